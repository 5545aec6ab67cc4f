package io.invoicestreams.projections.search;

import io.invoicestreams.domain.invoice.InvoiceEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * Keeps the search index, in the processing group {@link #NAME}: one document per transaction, re-indexed whole on
 * every change and deleted on removal or expiry. A batch's changes are folded in memory and written at once, before
 * the processor's token moves; every write carries the event's store position as its version, so a redelivered or
 * late event cannot overwrite a newer one. A reset builds a new index beside the current one (see {@link SearchIndex}).
 */
public final class SearchProjection {

    public static final String NAME = "search";

    private static final String BATCH = SearchProjection.class.getName() + ".batch";

    private final SearchIndex index;

    public SearchProjection(SearchIndex index) {
        this.index = Objects.requireNonNull(index, "index");
    }

    @EventHandler
    void on(InvoiceEvent event, TrackingToken token) {
        long version = token.position().orElseThrow(() -> new IllegalStateException("token " + token
                + " has no position"));
        String id = SearchDocument.id(event.invoiceNumber().value(), event.transactionId().value());
        var at = event.change().changedAt();
        Map<String, Optional<SearchDocument>> batch = batch();
        Optional<SearchDocument> current = batch.containsKey(id) ? batch.get(id) : index.find(id);
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
        if (CurrentUnitOfWork.isStarted()) {
            batch.put(id, next);
            versions().put(id, version);
        } else {
            index.apply(List.of(write(id, next, version)));
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
        index.beginRebuild();
    }

    private record Pending(Map<String, Optional<SearchDocument>> documents, Map<String, Long> versions) {
    }

    private Pending pending() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Pending(new LinkedHashMap<>(), new LinkedHashMap<>());
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(BATCH, key -> {
            Pending pending = new Pending(new LinkedHashMap<>(), new LinkedHashMap<>());
            unitOfWork.onPrepareCommit(u -> flush(pending));
            return pending;
        });
    }

    private Map<String, Optional<SearchDocument>> batch() {
        return pending().documents();
    }

    private Map<String, Long> versions() {
        return pending().versions();
    }

    private void flush(Pending pending) {
        if (!pending.documents().isEmpty()) {
            index.apply(pending.documents().entrySet().stream()
                    .map(e -> write(e.getKey(), e.getValue(), pending.versions().get(e.getKey()))).toList());
        }
    }
}
