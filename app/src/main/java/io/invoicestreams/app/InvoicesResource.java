package io.invoicestreams.app;

import io.invoicestreams.projections.reporting.InvoiceTransactions;

import io.invoicestreams.app.readmodel.Rebuilds;
import io.invoicestreams.projections.countryverification.CountryVerificationStore;
import io.invoicestreams.projections.totals.TotalsStore;
import org.axonframework.commandhandling.gateway.CommandGateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.domain.CountryCode;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.domain.Verifier;
import io.invoicestreams.domain.invoice.AssignCountryVerifier;
import io.invoicestreams.domain.invoice.RemoveCountryVerifier;
import io.invoicestreams.domain.invoice.VerifierOutcome;
import io.invoicestreams.projections.countryverification.CountryVerificationView;
import io.invoicestreams.projections.totals.InvoiceTotalView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reporting API over the base table and the read models, and the administration of verifiers. Reads of read
 * models are eventually consistent: they follow the event store within about a second.
 */
@Path("/invoices/{invoice}")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.READER)
public class InvoicesResource {

    private final InvoiceTransactions queries;
    private final TotalsStore totals;
    private final CountryVerificationStore countryVerification;
    private final CommandGateway commands;
    private final Rebuilds rebuilds;
    private final ObjectMapper json;
    private final Clock clock;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store;

    /** Writes stored events as their stored JSON form: money as exact decimals, ids as strings. */
    private static final ObjectMapper EVENT_JSON = io.invoicestreams.adapters.json.InvoiceJson.objectMapper();

    InvoicesResource(InvoiceTransactions queries, TotalsStore totals,
                     CountryVerificationStore countryVerification, CommandGateway commands,
                     Rebuilds rebuilds, ObjectMapper json, Clock clock,
                     jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.eventstore.InvoiceEventStore> store) {
        this.store = store;
        this.queries = queries;
        this.totals = totals;
        this.countryVerification = countryVerification;
        this.commands = commands;
        this.rebuilds = rebuilds;
        this.json = json;
        this.clock = clock;
    }

    /** A page of transactions; {@code next} is absent on the last page. */
    public record TransactionsPage(String invoiceNumber, List<Map<String, Object>> transactions, String next) {
    }

    public record Amount(BigDecimal amount, String currency) {
        static Amount of(Money money) {
            return new Amount(money.amount(), money.currency().getCurrencyCode());
        }
    }

    /**
     * @param total    the total in the invoice's first currency (the default currency when it has any)
     * @param totals   every currency's total
     * @param updated  when the last change that moved the total happened
     * @param rebuilding the totals are being rebuilt: this total is a complete state of the invoice, which may be
     *                   behind the store until the rebuild hands over (ADR 0022)
     */
    public record Total(String invoiceNumber, BigDecimal total, String currency, List<Amount> totals, Instant updated,
                        boolean rebuilding) {
    }

    public record CountryRow(String invoiceNumber, String country, String verifier, long totalTransactions) {
        static CountryRow of(CountryVerificationView view) {
            return new CountryRow(view.invoiceNumber().value(), view.country().value(),
                    view.verifier() == null ? null : view.verifier().value(), view.totalTransactions());
        }
    }

    public record Countries(String invoiceNumber, List<CountryRow> countries, boolean rebuilding) {
    }

    /**
     * @param changed          false when the request asked for what already held
     * @param openTransactions the country's transactions on the invoice the verifier now answers for
     */
    public record VerifierAssignment(String invoiceNumber, String country, String verifier, boolean changed,
                                     int openTransactions) {
    }

    /**
     * One stored event of the invoice.
     *
     * @param sequence       its number in the invoice's history, from 0
     * @param shard          the shard whose record it came from ({@code table-scan} for bootstrap)
     * @param streamSequence the stream record's SequenceNumber: the position in the stream
     * @param event          the event as stored
     */
    public record HistoryEvent(long sequence, String type, Instant stored, String transactionId, String shard,
                               String streamSequence, Instant changedAt, JsonNode event) {
    }

    /** @param more the invoice has events beyond these; ask again with {@code from} */
    public record History(String invoiceNumber, List<HistoryEvent> events, boolean more) {
    }

    /** The invoice's events as the event store holds them, in order, from {@code from}. */
    @GET
    @Path("/events")
    public History events(@PathParam("invoice") String invoice,
                          @QueryParam("from") @DefaultValue("0") String fromParam,
                          @QueryParam("limit") @DefaultValue("100") String limitParam) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        Problems.Paging page = Problems.Paging.of("from", fromParam, limitParam);
        long from = page.offset();
        int limit = page.limit();
        List<HistoryEvent> events = new java.util.ArrayList<>();
        boolean more = false;
        var stream = store.get().configuration().eventStore().readEvents(number.value(), from);
        while (stream.hasNext()) {
            var message = stream.next();
            if (events.size() == limit) {
                more = true;
                break;
            }
            if (message.getPayload() instanceof io.invoicestreams.domain.invoice.InvoiceEvent event) {
                var change = event.change();
                events.add(new HistoryEvent(message.getSequenceNumber(), event.getClass().getSimpleName(),
                        message.getTimestamp(), event.transactionId().value(), change.shardId(),
                        change.sequence().value(), change.changedAt(), EVENT_JSON.valueToTree(event)));
            }
        }
        if (events.isEmpty() && from == 0) {
            throw new Problems.NotFound("invoice " + number + " has no stored event");
        }
        return new History(number.value(), events, more);
    }

    @GET
    @Path("/transactions")
    public TransactionsPage transactions(@PathParam("invoice") String invoice, @QueryParam("prefix") String prefix,
                                         @QueryParam("limit") @DefaultValue("100") String limitParam,
                                         @QueryParam("next") String next) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        if (prefix != null && prefix.getBytes(StandardCharsets.UTF_8).length > TransactionId.MAX_BYTES) {
            throw new IllegalArgumentException("prefix must be at most " + TransactionId.MAX_BYTES
                    + " bytes, as a TransactionIdentifier is; it was " + prefix.getBytes(StandardCharsets.UTF_8).length);
        }
        int limit = Problems.intParam("limit", limitParam);
        if (limit < 1 || limit > InvoiceTransactions.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + InvoiceTransactions.MAX_LIMIT
                    + ", was " + limit);
        }
        var page = queries.transactions(number, Optional.ofNullable(prefix), limit,
                Optional.ofNullable(next).filter(n -> !n.isBlank()));
        return new TransactionsPage(number.value(), page.items(), page.next().orElse(null));
    }

    @GET
    @Path("/total")
    public Total total(@PathParam("invoice") String invoice) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        InvoiceTotalView view = totals.find(number).orElseThrow(() -> new Problems.NotFound(
                "invoice " + number + " has no total: no transaction of it has been recorded"
                        + (rebuilding("totals") ? " yet (the totals are being rebuilt)" : "")));
        Money first = view.totals().isEmpty() ? null : view.totals().getFirst();
        return new Total(number.value(), first == null ? BigDecimal.ZERO : first.amount(),
                first == null ? null : first.currency().getCurrencyCode(),
                view.totals().stream().map(Amount::of).toList(), view.updated(), rebuilding("totals"));
    }

    @GET
    @Path("/countries")
    public Countries countries(@PathParam("invoice") String invoice) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        return new Countries(number.value(), countryVerification.find(number).stream()
                .map(CountryRow::of).toList(), rebuilding("country-verification"));
    }

    /** Assigns the verifier; the country's transactions recorded so far count from now on (ADR 0006). */
    @jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
    @PUT
    @Path("/countries/{country}/verifier")
    @Consumes(MediaType.WILDCARD)
    public VerifierAssignment assign(@PathParam("invoice") String invoice, @PathParam("country") String country,
                                     String body) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        CountryCode code = new CountryCode(country);
        Verifier verifier = new Verifier(verifierField(body));
        VerifierOutcome outcome = commands.sendAndWait(
                new AssignCountryVerifier(number, code, verifier, clock.instant()));
        return new VerifierAssignment(number.value(), code.value(), verifier.value(), outcome.changed(),
                outcome.openTransactions());
    }

    @jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
    @DELETE
    @Path("/countries/{country}/verifier")
    public VerifierAssignment remove(@PathParam("invoice") String invoice, @PathParam("country") String country) {
        InvoiceNumber number = new InvoiceNumber(invoice);
        CountryCode code = new CountryCode(country);
        VerifierOutcome outcome = commands.sendAndWait(
                new RemoveCountryVerifier(number, code, clock.instant()));
        return new VerifierAssignment(number.value(), code.value(), null, outcome.changed(), 0);
    }

    private String verifierField(String body) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the body must be JSON such as {\"verifier\":\"admin@com\"}");
        }
        JsonNode node;
        try {
            // Strict: nothing after the object, no key twice.
            node = json.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON (one object, each key once); send"
                    + " {\"verifier\":\"admin@com\"}");
        }
        JsonNode verifier = node == null ? null : node.get("verifier");
        if (verifier == null || !verifier.isTextual()) {
            throw new IllegalArgumentException("the body needs a text field \"verifier\", such as"
                    + " {\"verifier\":\"admin@com\"}");
        }
        for (var names = node.fieldNames(); names.hasNext(); ) { // an object: only an object has a "verifier"
            String name = names.next();
            if (!name.equals("verifier")) {
                throw new IllegalArgumentException("unknown field '" + io.invoicestreams.domain.Texts.abbreviate(name)
                        + "': the body takes only \"verifier\"");
            }
        }
        return verifier.asText();
    }

    private boolean rebuilding(String projection) {
        return rebuilds.rebuilding(projection);
    }
}
