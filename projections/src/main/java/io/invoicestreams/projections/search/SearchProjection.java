package io.invoicestreams.projections.search;

import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.projections.BatchedWrites;
import io.invoicestreams.projections.Fold;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;

/**
 * Keeps the search index, in the processing group {@link #NAME}: one document per transaction, re-indexed whole on
 * every change and deleted on removal or expiry. A batch's changes are folded in memory and written at once, before
 * the processor's token moves (after a failed write, the batch's invoices are written event by event, see
 * {@link BatchedWrites}); every write carries the event's store position as its version, so a redelivered or
 * late event cannot overwrite a newer one. A reset builds a new index beside the current one (see {@link SearchIndex}).
 */
public final class SearchProjection {

    public static final String NAME = "search";

    private final SearchDocuments index;
    private final Runnable reset;
    private final BatchedWrites<Pending> batches;

    public SearchProjection(SearchIndex index) {
        this(index, index::beginRebuild);
    }

    private SearchProjection(SearchDocuments index, Runnable reset) {
        this.index = Objects.requireNonNull(index, "index");
        this.reset = Objects.requireNonNull(reset, "reset");
        this.batches = new BatchedWrites<>(SearchProjection.class.getName() + ".batch", Pending::new, this::flush);
    }

    @EventHandler
    void on(InvoiceEvent event, TrackingToken token) {
        long version = token.position().orElseThrow(() -> new IllegalStateException("token " + token
                + " has no position"));
        String id = SearchDocument.id(event.invoiceNumber().value(), event.transactionId().value());
        var at = event.change().changedAt();
        Optional<Pending> batch = batches.batchFor(event.invoiceNumber());
        Optional<SearchDocument> current = batch.filter(p -> p.documents().containsKey(id))
                .map(p -> p.documents().get(id)).orElseGet(() -> index.find(id));
        Optional<SearchDocument> next = switch (event) {
            case InvoiceEvent.TransactionRecorded e -> Optional.of(new SearchDocument(e.invoiceNumber().value(),
                    e.transactionId().value(), e.country().value(), e.amount(), e.invoiceDate(), e.document(), at,
                    version));
            case InvoiceEvent.TransactionAmountCorrected e -> current.map(d -> d.withAmount(e.correctedAmount(), at,
                    version));
            case InvoiceEvent.TransactionCountryChanged e -> current.map(d -> d.withCountry(e.country().value(), at,
                    version));
            case InvoiceEvent.TransactionInvoiceDateChanged e -> current.map(d -> d.withInvoiceDate(e.invoiceDate(),
                    at, version));
            case InvoiceEvent.TransactionDocumentChanged e -> current.map(d -> d.withDocument(e.document(), at,
                    version));
            case InvoiceEvent.TransactionRemoved ignored -> Optional.empty();
            case InvoiceEvent.TransactionExpired ignored -> Optional.empty();
        };
        if (next.isEmpty() && current.isEmpty() && !isRemoval(event)) {
            return; // a change of a transaction the index does not hold: nothing to re-index
        }
        if (batch.isPresent()) {
            batch.get().documents().put(id, next);
            batch.get().versions().put(id, version);
        } else {
            index.apply(List.of(write(id, next, version)));
            batches.writtenAlone(event.invoiceNumber());
        }
    }

    private static boolean isRemoval(InvoiceEvent event) {
        return event instanceof InvoiceEvent.TransactionRemoved || event instanceof InvoiceEvent.TransactionExpired;
    }

    private static SearchWrite write(String id, Optional<SearchDocument> document, long version) {
        return document.<SearchWrite>map(SearchWrite.Upsert::new).orElseGet(() -> new SearchWrite.Delete(id, version));
    }

    /** A token reset starts a rebuild into a new index; searches read the old one until it is swapped in. */
    @ResetHandler
    void reset() {
        reset.run();
    }

    /**
     * A rebuild of the index in memory, written at the end into a new generation of {@code live} that is then
     * swapped in (ADR 0022): the same handler, each event applied at once to documents in memory, with the event's
     * store position as its version as on the live path.
     */
    public static Fold fold(SearchIndex live) {
        Objects.requireNonNull(live, "live");
        FoldedDocuments memory = new FoldedDocuments();
        SearchProjection handler = new SearchProjection(memory, () -> { });
        return Fold.of(handler, List.of(InvoiceEvent.class), memory::size, () -> live.replaceAll(memory.writes()));
    }

    /** A batch's documents folded per id (empty: deleted), with the version of each one's last change. */
    private record Pending(Map<String, Optional<SearchDocument>> documents, Map<String, Long> versions) {
        Pending() {
            this(new LinkedHashMap<>(), new LinkedHashMap<>());
        }
    }

    private void flush(Pending pending) {
        if (!pending.documents().isEmpty()) {
            index.apply(pending.documents().entrySet().stream()
                    .map(e -> write(e.getKey(), e.getValue(), pending.versions().get(e.getKey()))).toList());
        }
    }
}
