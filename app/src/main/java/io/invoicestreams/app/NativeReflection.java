package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.ShardCheckpoint;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.domain.invoice.Invoice;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection: Axon serialises events and tokens with Jackson by class name and
 * builds the aggregate and its handlers reflectively. CI checks that the generated reflection configuration names
 * every event and token class (.ci/check-native-reflection).
 */
@RegisterForReflection(targets = {
        Invoice.class,
        InvoiceEvent.TransactionRecorded.class,
        InvoiceEvent.TransactionAmountCorrected.class,
        InvoiceEvent.TransactionCountryChanged.class,
        InvoiceEvent.TransactionInvoiceDateChanged.class,
        InvoiceEvent.TransactionDocumentChanged.class,
        InvoiceEvent.TransactionRemoved.class,
        InvoiceEvent.TransactionExpired.class,
        ShardCheckpoint.class,
        ParkedRecords.Parked.class,
        org.axonframework.eventhandling.GapAwareTrackingToken.class,
        org.axonframework.eventhandling.GlobalSequenceTrackingToken.class,
        org.axonframework.eventhandling.ReplayToken.class,
        org.axonframework.eventhandling.MergedTrackingToken.class,
        org.axonframework.eventhandling.MultiSourceTrackingToken.class,
        org.axonframework.eventhandling.tokenstore.ConfigToken.class
})
final class NativeReflection {

    private NativeReflection() {
    }
}
