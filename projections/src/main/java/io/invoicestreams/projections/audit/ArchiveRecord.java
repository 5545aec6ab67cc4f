package io.invoicestreams.projections.audit;

import io.invoicestreams.domain.InvoiceDocument;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.invoice.InvoiceEvent;
import io.invoicestreams.domain.invoice.VerificationEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit archive: what one domain event says, flat, with the amounts before and after. Every event
 * type maps to one, removals and expiries included.
 *
 * @param position     the event's global position in the store; orders the archive and names its objects
 * @param eventType    the event's simple name, such as TransactionRecorded
 * @param time         when the change happened: the stream record's time, or the administrator's decision
 * @param amountBefore the amount before the change; null where the event does not have one
 * @param amountAfter  the amount after the change; null where the event does not have one
 * @param currency     ISO 4217 code of the amounts
 * @param document     the invoice document, where the event carries one
 * @param eventId      the stream record's eventID; null for administrator events
 * @param sequence     the stream record's SequenceNumber; null for administrator events
 */
public record ArchiveRecord(long position, String eventType, String invoiceNumber, String transactionId,
                            BigDecimal amountBefore, BigDecimal amountAfter, String currency, String country,
                            String previousCountry, String invoiceDate, InvoiceDocument document, String verifier,
                            String eventId, String shardId, String sequence, Instant time) {

    public ArchiveRecord {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(invoiceNumber, "invoiceNumber");
        Objects.requireNonNull(time, "time");
    }

    /** The archive line of a transaction event. */
    public static ArchiveRecord of(long position, InvoiceEvent event) {
        var c = event.change();
        String type = event.getClass().getSimpleName();
        String invoice = event.invoiceNumber().value();
        String transaction = event.transactionId().value();
        return switch (event) {
            case InvoiceEvent.TransactionRecorded e -> new ArchiveRecord(position, type, invoice, transaction, null,
                    e.amount().amount(), code(e.amount()), e.country().value(), null, e.invoiceDate(), e.document(),
                    null, c.eventId(), c.shardId(), c.sequence().value(), c.changedAt());
            case InvoiceEvent.TransactionAmountCorrected e -> new ArchiveRecord(position, type, invoice, transaction,
                    e.previousAmount().amount(), e.correctedAmount().amount(), code(e.correctedAmount()),
                    e.country().value(), null, null, null, null, c.eventId(), c.shardId(), c.sequence().value(),
                    c.changedAt());
            case InvoiceEvent.TransactionCountryChanged e -> new ArchiveRecord(position, type, invoice, transaction,
                    null, null, null, e.country().value(), e.previousCountry().value(), null, null, null, c.eventId(),
                    c.shardId(), c.sequence().value(), c.changedAt());
            case InvoiceEvent.TransactionInvoiceDateChanged e -> new ArchiveRecord(position, type, invoice,
                    transaction, null, null, null, null, null, e.invoiceDate(), null, null, c.eventId(), c.shardId(),
                    c.sequence().value(), c.changedAt());
            case InvoiceEvent.TransactionDocumentChanged e -> new ArchiveRecord(position, type, invoice, transaction,
                    null, null, null, null, null, null, e.document(), null, c.eventId(), c.shardId(),
                    c.sequence().value(), c.changedAt());
            case InvoiceEvent.TransactionRemoved e -> new ArchiveRecord(position, type, invoice, transaction,
                    e.amount().amount(), null, code(e.amount()), e.country().value(), null, null, null, null,
                    c.eventId(), c.shardId(), c.sequence().value(), c.changedAt());
            case InvoiceEvent.TransactionExpired e -> new ArchiveRecord(position, type, invoice, transaction,
                    e.amount().amount(), null, code(e.amount()), e.country().value(), null, null, null, null,
                    c.eventId(), c.shardId(), c.sequence().value(), c.changedAt());
        };
    }

    /** The archive line of a verifier event. */
    public static ArchiveRecord of(long position, VerificationEvent event) {
        String type = event.getClass().getSimpleName();
        String invoice = event.invoiceNumber().value();
        return switch (event) {
            case VerificationEvent.CountryVerifierAssigned e -> new ArchiveRecord(position, type, invoice, null,
                    null, null, null, e.country().value(), null, null, null, e.verifier().value(), null, null, null,
                    e.assignedAt());
            case VerificationEvent.CountryVerifierRemoved e -> new ArchiveRecord(position, type, invoice, null,
                    null, null, null, e.country().value(), null, null, null, e.previousVerifier().value(), null,
                    null, null, e.removedAt());
        };
    }

    private static String code(Money money) {
        return money.currency().getCurrencyCode();
    }
}
