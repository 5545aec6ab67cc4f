package io.invoicestreams.domain.invoice;

import static io.invoicestreams.domain.invoice.InvoiceFixture.CHINA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS2;
import static io.invoicestreams.domain.invoice.InvoiceFixture.INVOICE;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.apply;
import static io.invoicestreams.domain.invoice.InvoiceFixture.change;
import static io.invoicestreams.domain.invoice.InvoiceFixture.deleted;
import static io.invoicestreams.domain.invoice.InvoiceFixture.details;
import static io.invoicestreams.domain.invoice.InvoiceFixture.expired;
import static io.invoicestreams.domain.invoice.InvoiceFixture.opening;
import static io.invoicestreams.domain.invoice.InvoiceFixture.recorded;
import static io.invoicestreams.domain.invoice.InvoiceFixture.usd;
import static io.invoicestreams.domain.invoice.InvoiceFixture.vendorDocument;
import static io.invoicestreams.domain.invoice.InvoiceFixture.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.ChangeOutcome.Applied;
import io.invoicestreams.domain.invoice.ChangeOutcome.Rejected;
import io.invoicestreams.domain.invoice.ChangeOutcome.Skipped;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionAmountCorrected;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionCountryChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionDocumentChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionExpired;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionInvoiceDateChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRemoved;
import io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierAssigned;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InvoiceTest {

    private FixtureConfiguration<Invoice> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Invoice.class);
    }

    @Nested
    class Recording {

        @Test
        void a_first_write_records_the_transaction_and_opens_the_invoice() {
            fixture.givenNoPriorActivity()
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA))))
                    .expectEvents(opening(CLIENT1_TRANS1, 1, "100", USA))
                    .expectResultMessagePayload(List.of(new Applied(List.of("TransactionRecorded"))));
        }

        @Test
        void a_write_after_a_removal_records_the_transaction_again_without_opening_the_invoice_again() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA),
                            new TransactionRemoved(INVOICE, CLIENT1_TRANS1, usd("100"), USA, change(2)))
                    .when(apply(written(CLIENT1_TRANS1, 3, details("70", USA))))
                    .expectEvents(recorded(CLIENT1_TRANS1, 3, "70", USA));
        }

        @Test
        void a_first_transaction_after_a_verifier_was_assigned_still_opens_the_invoice() {
            fixture.given(new CountryVerifierAssigned(INVOICE, USA, new Verifier("admin@com"), List.of(),
                            Instant.parse("2016-06-06T00:00:00Z")))
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA))))
                    .expectEvents(opening(CLIENT1_TRANS1, 1, "100", USA));
        }

        @Test
        void changes_in_one_command_apply_in_order_and_each_sees_the_last() {
            fixture.givenNoPriorActivity()
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA)),
                            written(CLIENT1_TRANS2, 2, details("500", USA)),
                            written(CLIENT1_TRANS1, 3, details("150", USA))))
                    .expectEvents(opening(CLIENT1_TRANS1, 1, "100", USA),
                            recorded(CLIENT1_TRANS2, 2, "500", USA),
                            new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("150"), USA,
                                    change(3)));
        }
    }

    @Nested
    class Corrections {

        @Test
        void a_new_amount_is_a_correction_that_names_the_previous_amount() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 2, details("0", USA))))
                    .expectEvents(new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("0"), USA,
                            change(2)));
        }

        @Test
        void an_unchanged_amount_written_with_another_scale_yields_no_event() {
            TransactionDetails same = new TransactionDetails(Money.of("100.00", "USD"), USA, "06062016",
                    vendorDocument("Vendor1 Inc"));
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 2, same)))
                    .expectNoEvents()
                    .expectResultMessagePayload(List.of(new Applied(List.of())));
        }

        @Test
        void an_amount_in_another_currency_is_a_correction_across_currencies() {
            TransactionDetails euros = new TransactionDetails(Money.of("90", "EUR"), USA, "06062016",
                    vendorDocument("Vendor1 Inc"));
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 2, euros)))
                    .expectEvents(new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"),
                            Money.of("90", "EUR"), USA, change(2)));
        }

        @Test
        void country_date_and_document_changes_each_have_their_own_event() {
            TransactionDetails moved = new TransactionDetails(usd("100"), CHINA, "07062016",
                    vendorDocument("Vendor2 Ltd"));
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 2, moved)))
                    .expectEvents(
                            new TransactionCountryChanged(INVOICE, CLIENT1_TRANS1, USA, CHINA, change(2)),
                            new TransactionInvoiceDateChanged(INVOICE, CLIENT1_TRANS1, "06062016", "07062016",
                                    change(2)),
                            new TransactionDocumentChanged(INVOICE, CLIENT1_TRANS1, vendorDocument("Vendor2 Ltd"),
                                    change(2)));
        }

        @Test
        void an_amount_corrected_with_a_new_country_carries_the_new_country() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 2, details("300", CHINA))))
                    .expectEvents(
                            new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("300"), CHINA,
                                    change(2)),
                            new TransactionCountryChanged(INVOICE, CLIENT1_TRANS1, USA, CHINA, change(2)));
        }
    }

    @Nested
    class Deletions {

        @Test
        void a_deletion_removes_the_transaction_with_its_last_amount_and_country() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA),
                            new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("250"), USA,
                                    change(2)))
                    .when(apply(deleted(CLIENT1_TRANS1, 3)))
                    .expectEvents(new TransactionRemoved(INVOICE, CLIENT1_TRANS1, usd("250"), USA, change(3)));
        }

        @Test
        void a_time_to_live_deletion_is_an_expiry() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(expired(CLIENT1_TRANS1, 2)))
                    .expectEvents(new TransactionExpired(INVOICE, CLIENT1_TRANS1, usd("100"), USA, change(2)));
        }

        @Test
        void deleting_a_transaction_never_recorded_though_the_stream_shows_its_image_is_rejected() {
            TransactionChange.Deleted withImage = new TransactionChange.Deleted(CLIENT1_TRANS2, change(5),
                    TransactionChange.DeletionCause.DELETED, details("500", USA));
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(withImage))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                            result -> result instanceof List<?> list && list.getFirst() instanceof Rejected r
                                    && r.reason().contains("Client1_trans2xxxx")
                                    && r.reason().contains("500.00 USD")
                                    && r.reason().contains("bootstrap")));
        }

        @Test
        void deleting_an_unknown_transaction_without_an_image_is_skipped_and_a_later_change_still_applies() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(deleted(CLIENT1_TRANS2, 5), written(CLIENT1_TRANS1, 6, details("120", USA))))
                    .expectEvents(new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("120"), USA,
                            change(6)));
        }

        @Test
        void a_second_deletion_of_a_removed_transaction_changes_nothing() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA),
                            new TransactionRemoved(INVOICE, CLIENT1_TRANS1, usd("100"), USA, change(2)))
                    .when(apply(deleted(CLIENT1_TRANS1, 3)))
                    .expectNoEvents();
        }
    }

    @Nested
    class DuplicatesAndReplays {

        @Test
        void the_same_stream_record_delivered_again_yields_nothing() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA))))
                    .expectNoEvents()
                    .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                            result -> result instanceof List<?> list && list.getFirst() instanceof Skipped s
                                    && s.reason().contains("evt-1")));
        }

        @Test
        void a_record_older_than_the_last_applied_is_ignored_even_with_another_event_id() {
            TransactionChange.Written older = new TransactionChange.Written(CLIENT1_TRANS1,
                    new ChangeIdentity("other-id", "shardId-00000001", change(2).sequence(), change(2).changedAt()),
                    details("999", USA));
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA),
                            new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("150"), USA,
                                    change(3)))
                    .when(apply(older))
                    .expectNoEvents();
        }

        @Test
        void replaying_a_whole_batch_after_a_crash_yields_nothing_new() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA),
                            recorded(CLIENT1_TRANS2, 2, "500", USA),
                            new TransactionRemoved(INVOICE, CLIENT1_TRANS2, usd("500"), USA, change(3)))
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA)),
                            written(CLIENT1_TRANS2, 2, details("500", USA)),
                            deleted(CLIENT1_TRANS2, 3)))
                    .expectNoEvents();
        }

        @Test
        void a_replayed_prefix_is_skipped_and_the_new_tail_applies() {
            fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA))
                    .when(apply(written(CLIENT1_TRANS1, 1, details("100", USA)),
                            written(CLIENT1_TRANS1, 2, details("400", USA))))
                    .expectEvents(new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("400"), USA,
                            change(2)));
        }
    }

    /** The state of an item that {@code bootstrap} read from the table (ADR 0017). */
    @Nested
    class TableScan {

        private final ChangeIdentity scanned = new ChangeIdentity("scan-1", ChangeIdentity.TABLE_SCAN,
                new SequenceNumber("0"), InvoiceFixture.EPOCH);

        private TransactionChange.Written scannedItem(TransactionId id, String usdAmount) {
            return new TransactionChange.Written(id, scanned, details(usdAmount, USA), false);
        }

        @Test
        void an_item_read_from_the_table_is_recorded_without_opening_the_invoice() {
            fixture.givenNoPriorActivity()
                    .when(apply(scannedItem(CLIENT1_TRANS1, "100")))
                    .expectEvents(new InvoiceEvent.TransactionRecorded(INVOICE, CLIENT1_TRANS1, usd("100"), USA,
                            "06062016", vendorDocument("Vendor1 Inc"), false, scanned));
        }

        @Test
        void a_table_state_corrects_a_known_item_whatever_its_sequence_and_a_later_record_applies_after_it() {
            fixture.given(recorded(CLIENT1_TRANS1, 7, "100", USA))
                    .when(apply(scannedItem(CLIENT1_TRANS1, "150"), written(CLIENT1_TRANS1, 8, details("40", USA))))
                    .expectEvents(new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("100"), usd("150"), USA,
                                    scanned),
                            new TransactionAmountCorrected(INVOICE, CLIENT1_TRANS1, usd("150"), usd("40"), USA,
                                    change(8)));
        }

        @Test
        void the_same_table_state_read_again_yields_nothing() {
            fixture.given(new InvoiceEvent.TransactionRecorded(INVOICE, CLIENT1_TRANS1, usd("100"), USA,
                            "06062016", vendorDocument("Vendor1 Inc"), false, scanned))
                    .when(apply(scannedItem(CLIENT1_TRANS1, "100")))
                    .expectNoEvents();
        }

        @Test
        void an_overwrite_of_an_item_the_store_never_saw_records_it_without_opening_the_invoice() {
            fixture.givenNoPriorActivity()
                    .when(apply(new TransactionChange.Written(CLIENT1_TRANS1, change(5), details("100", USA), false)))
                    .expectEvents(recorded(CLIENT1_TRANS1, 5, "100", USA));
        }
    }
}
