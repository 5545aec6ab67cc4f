package io.invoicestreams.domain.invoice;

import static io.invoicestreams.domain.invoice.InvoiceFixture.ADMIN;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CHINA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS2;
import static io.invoicestreams.domain.invoice.InvoiceFixture.EPOCH;
import static io.invoicestreams.domain.invoice.InvoiceFixture.INVOICE;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static io.invoicestreams.domain.invoice.InvoiceFixture.change;
import static io.invoicestreams.domain.invoice.InvoiceFixture.recorded;
import static io.invoicestreams.domain.invoice.InvoiceFixture.usd;
import static io.invoicestreams.domain.invoice.InvoiceFixture.verifierAssigned;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionCountryChanged;
import io.invoicestreams.domain.invoice.InvoiceEvent.TransactionRemoved;
import io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierAssigned;
import io.invoicestreams.domain.invoice.VerificationEvent.CountryVerifierRemoved;
import java.util.List;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InvoiceVerifierTest {

    private static final TransactionId CLIENT2_TRANS1 = new TransactionId("Client2_trans1xxxx");

    private FixtureConfiguration<Invoice> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Invoice.class);
    }

    @Test
    void a_verifier_assigned_later_takes_over_the_open_transactions_of_its_country_only() {
        fixture.given(recorded(CLIENT1_TRANS2, 1, "500", USA), recorded(CLIENT1_TRANS1, 2, "100", USA),
                        recorded(CLIENT2_TRANS1, 3, "500", CHINA))
                .when(new AssignCountryVerifier(INVOICE, USA, ADMIN, EPOCH))
                .expectEvents(verifierAssigned(USA, CLIENT1_TRANS1, CLIENT1_TRANS2))
                .expectResultMessagePayload(new VerifierOutcome(true, 2));
    }

    @Test
    void removed_and_moved_transactions_are_not_taken_over() {
        fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA), recorded(CLIENT1_TRANS2, 2, "500", USA),
                        new TransactionRemoved(INVOICE, CLIENT1_TRANS1, usd("100"), USA, change(3)),
                        new TransactionCountryChanged(INVOICE, CLIENT1_TRANS2, USA, CHINA, change(4)))
                .when(new AssignCountryVerifier(INVOICE, USA, ADMIN, EPOCH))
                .expectEvents(verifierAssigned(USA))
                .expectResultMessagePayload(new VerifierOutcome(true, 0));
    }

    @Test
    void a_verifier_can_be_assigned_before_the_invoice_has_any_transaction() {
        fixture.givenNoPriorActivity()
                .when(new AssignCountryVerifier(INVOICE, USA, ADMIN, EPOCH))
                .expectEvents(verifierAssigned(USA))
                .expectResultMessagePayload(new VerifierOutcome(true, 0));
    }

    @Test
    void assigning_the_same_verifier_again_changes_nothing() {
        fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA), verifierAssigned(USA, CLIENT1_TRANS1))
                .when(new AssignCountryVerifier(INVOICE, USA, ADMIN, EPOCH.plusSeconds(60)))
                .expectNoEvents()
                .expectResultMessagePayload(new VerifierOutcome(false, 1));
    }

    @Test
    void another_verifier_replaces_the_first() {
        Verifier other = new Verifier("audit@com");
        fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA), verifierAssigned(USA, CLIENT1_TRANS1))
                .when(new AssignCountryVerifier(INVOICE, USA, other, EPOCH))
                .expectEvents(new CountryVerifierAssigned(INVOICE, USA, other, List.of(CLIENT1_TRANS1), EPOCH));
    }

    @Test
    void removing_a_verifier_names_who_it_was() {
        fixture.given(verifierAssigned(USA))
                .when(new RemoveCountryVerifier(INVOICE, USA, EPOCH))
                .expectEvents(new CountryVerifierRemoved(INVOICE, USA, ADMIN, EPOCH))
                .expectResultMessagePayload(new VerifierOutcome(true, 0));
    }

    @Test
    void removing_where_there_is_no_verifier_changes_nothing() {
        fixture.given(recorded(CLIENT1_TRANS1, 1, "100", USA), verifierAssigned(USA),
                        new CountryVerifierRemoved(INVOICE, USA, ADMIN, EPOCH))
                .when(new RemoveCountryVerifier(INVOICE, USA, EPOCH))
                .expectNoEvents()
                .expectResultMessagePayload(new VerifierOutcome(false, 0));
    }

    @Test
    void removing_from_an_unknown_invoice_is_refused() {
        fixture.givenNoPriorActivity()
                .when(new RemoveCountryVerifier(INVOICE, USA, EPOCH))
                .expectException(AggregateNotFoundException.class);
    }

    @Test
    void a_verifier_must_look_like_one() {
        assertThatThrownBy(() -> new Verifier(" admin@com")).hasMessageContaining("verifier ' admin@com'");
        assertThatThrownBy(() -> new Verifier("")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> new Verifier("a".repeat(255))).hasMessageContaining("254");
    }
}
