package io.invoicestreams.projections.audit;

import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.VerificationEvent;
import java.util.Objects;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.TrackingToken;

/**
 * Every event, removals and expiries included, goes to the audit archive, in the processing group {@link #NAME}.
 * The handler only spools the line in the processor's transaction; a flusher writes the spool out as compressed
 * objects (ADR 0008). A replay does not archive again: the archive keeps what it has (@DisallowReplay), and a new
 * archive starts from the beginning of the store on its first run.
 */
public final class AuditArchiveProjection {

    public static final String NAME = "audit-archive";

    private final ArchiveSpool spool;

    public AuditArchiveProjection(ArchiveSpool spool) {
        this.spool = Objects.requireNonNull(spool, "spool");
    }

    @EventHandler
    @DisallowReplay
    void on(InvoiceEvent event, TrackingToken token) {
        spool.append(ArchiveRecord.of(position(token), event));
    }

    @EventHandler
    @DisallowReplay
    void on(VerificationEvent event, TrackingToken token) {
        spool.append(ArchiveRecord.of(position(token), event));
    }

    private static long position(TrackingToken token) {
        return token.position().orElseThrow(() -> new IllegalStateException("token " + token + " has no position"));
    }
}
