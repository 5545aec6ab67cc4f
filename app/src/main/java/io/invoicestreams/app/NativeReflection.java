package io.invoicestreams.app;

import io.invoicestreams.adapters.dynamodb.ShardCheckpoint;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import io.invoicestreams.domain.invoice.Invoice;
import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.domain.invoice.ApplyTransactionChanges;
import io.invoicestreams.domain.invoice.AssignCountryVerifier;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.RemoveCountryVerifier;
import io.invoicestreams.domain.invoice.VerificationEvent;
import io.invoicestreams.domain.invoice.VerifierOutcome;
import io.invoicestreams.projections.audit.ArchiveRecord;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection: Axon serialises events and tokens with Jackson by class name and
 * builds the aggregate reflectively (each read model's assembly registers its own handler); the REST answers are records. CI checks that the generated reflection configuration names
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
        VerificationEvent.CountryVerifierAssigned.class,
        VerificationEvent.CountryVerifierRemoved.class,
        AssignCountryVerifier.class,
        RemoveCountryVerifier.class,
        VerifierOutcome.class,
        ApplyTransactionChanges.class,
        io.invoicestreams.adapters.eventstore.DeadLetters.Letter.class,
        DeadLettersResource.Parked.class,
        DeadLettersResource.Retried.class,
        io.invoicestreams.projections.search.SearchDocument.class,
        io.invoicestreams.projections.search.SearchResults.Hit.class,
        SearchResource.Page.class,
        ArchiveRecord.class,
        ArchiveAnalytics.DailyReport.class,
        ArchiveAnalytics.Day.class,
        ArchiveAnalytics.RunRate.class,
        ArchiveAnalytics.CurrencyRate.class,
        InvoicesResource.TransactionsPage.class,
        InvoicesResource.Total.class,
        InvoicesResource.Amount.class,
        InvoicesResource.Countries.class,
        InvoicesResource.CountryRow.class,
        InvoicesResource.VerifierAssignment.class,
        ProjectionsResource.Projections.class,
        io.invoicestreams.adapters.notifications.NotificationOutbox.Backlog.class,
        OutboxResource.Page.class,
        OutboxResource.Message.class,
        OutboxResource.Retried.class,
        StreamHealth.Details.class,
        io.invoicestreams.adapters.dynamodb.ParkedRedrive.Outcome.class,
        ProjectionControl.Status.class,
        ProjectionControl.SegmentStatus.class,
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
