package io.invoicestreams.adapters.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.search.LuceneSearchIndex;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TcpProxy;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.countryverification.CountryVerificationView;
import io.invoicestreams.projections.search.SearchProjection;
import io.invoicestreams.projections.support.EventHistory;
import io.invoicestreams.projections.totals.TotalsProjection;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Failures in the read models, on real parts: DynamoDB Local for totals and country counts, Lucene for search, and
 * the event store, tokens and dead letters on H2 and PostgreSQL.
 *
 * <p>A poison event is one whose effect a store refuses whatever the wait. Here it is a 40-digit amount: DynamoDB
 * numbers hold 38 significant digits, and the Lucene index keeps amounts as a long of cents. An outage is a cut
 * connection in front of DynamoDB Local.
 */
class ProjectionFailuresIT {

    /** A valid amount that DynamoDB and the Lucene index refuse: 40 significant digits. */
    private static final String POISON_AMOUNT = "$1234567890123456789012345678901234567890";
    private static final Currency USD = Currency.getInstance("USD");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final TcpProxy proxy = TcpProxy.to(local.endpoint().orElseThrow().getPort());
    /** Writes the totals through the proxy, so that the test can cut them off. */
    private final DynamoDbClient totalsClient = DynamoDbClients.local(proxy.endpoint()).dynamoDb();
    private final DynamoDbClient dynamoDb = local.dynamoDb();
    private final DynamoDbTotalsStore totals = new DynamoDbTotalsStore(totalsClient, "Totals-" + run, USD, 4);
    private final DynamoDbCountryVerificationStore countries =
            new DynamoDbCountryVerificationStore(dynamoDb, "Countries-" + run);
    private LuceneSearchIndex search;
    private InvoiceEventStore store;
    private JdbcTransactions db;

    private InvoiceEventStore start(TestDatabases database) throws Exception {
        totals.createTableIfMissing(Duration.ofSeconds(30));
        countries.createTableIfMissing(Duration.ofSeconds(30));
        search = new LuceneSearchIndex(Files.createTempDirectory("search-" + run));
        db = database.fresh();
        store = InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(
                                new ProjectionProcessors.Projection(TotalsProjection.NAME,
                                        new TotalsProjection(totals, true), false, true),
                                new ProjectionProcessors.Projection(CountryVerificationProjection.NAME,
                                        new CountryVerificationProjection(countries, country -> { }), false, true),
                                new ProjectionProcessors.Projection(SearchProjection.NAME,
                                        new SearchProjection(search), false, true)),
                        new ProjectionProcessors.Settings(100, 2, Duration.ofMillis(100)), db));
        return store;
    }

    private DeadLetters.Queues deadLetters() {
        return new DeadLetters.Queues(store, List.of(TotalsProjection.NAME, CountryVerificationProjection.NAME,
                SearchProjection.NAME), Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofMinutes(10),
                Duration.ofMinutes(10)));
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (search != null) {
            search.close();
        }
        totals.close();
        proxy.close();
        totalsClient.close();
        dynamoDb.close();
    }

    /** Forty invoices of three transactions each; returns the expected total per invoice. */
    private static Map<String, BigDecimal> ordinaryInvoices(EventHistory history, int from, int count) {
        Map<String, BigDecimal> expected = new LinkedHashMap<>();
        for (int i = from; i < from + count; i++) {
            String invoice = Integer.toString(3_000_000 + i);
            for (int t = 1; t <= 3; t++) {
                history.recorded(invoice, "T" + t, "$" + (i + t), "USA");
            }
            expected.put(invoice, BigDecimal.valueOf(3L * i + 6).setScale(2));
        }
        return expected;
    }

    private void publish(EventHistory history) {
        db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
    }

    private void awaitCaughtUp(String group) {
        assertThat(new ProjectionControl(store).awaitCaughtUp(group, Duration.ofSeconds(60), Duration.ofMillis(50),
                p -> { })).as(group + " caught up").isTrue();
    }

    /** The first parked event of an invoice: the one that failed. */
    private static DeadLetters.Letter head(List<DeadLetters.Letter> letters, String invoice) {
        return letters.stream().filter(l -> l.sequence().equals(invoice))
                .min(java.util.Comparator.comparingLong(DeadLetters.Letter::index)).orElseThrow();
    }

    private BigDecimal total(String invoice) {
        return totals.find(new InvoiceNumber(invoice)).map(v -> v.totals().getFirst().amount()).orElse(null);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_poison_event_is_parked_in_the_groups_that_refuse_it_and_everything_else_goes_on(TestDatabases database)
            throws Exception {
        start(database);
        EventHistory history = new EventHistory();
        Map<String, BigDecimal> expected = ordinaryInvoices(history, 0, 20);
        history.verifier("7777777", "USA", "admin@com")
                .recorded("7777777", "T1", "$10", "USA")
                .recorded("7777777", "T2", POISON_AMOUNT, "USA")
                .recorded("7777777", "T3", "$7", "USA")
                .recorded("7777778", "T1", POISON_AMOUNT, "USA");
        expected.putAll(ordinaryInvoices(history, 20, 20));
        publish(history);

        awaitCaughtUp(TotalsProjection.NAME);
        awaitCaughtUp(SearchProjection.NAME);
        awaitCaughtUp(CountryVerificationProjection.NAME);

        // Every other invoice is whole, in every read model.
        assertThat(expected).as("invoices checked").isNotEmpty();
        expected.forEach((invoice, sum) -> assertThat(total(invoice)).as("total of " + invoice).isEqualTo(sum));
        assertThat(search.find("3000039|T3")).isPresent();
        // The poison invoice: the event before the poison was written, the poison and the one after it are parked.
        assertThat(total("7777777")).isEqualByComparingTo("10");
        assertThat(search.find("7777777|T1")).isPresent();
        assertThat(search.find("7777777|T3")).isEmpty();
        DeadLetters.Queues queues = deadLetters();
        List<DeadLetters.Letter> parkedTotals = queues.list(TotalsProjection.NAME);
        assertThat(parkedTotals).extracting(DeadLetters.Letter::sequence)
                .containsExactlyInAnyOrder("7777777", "7777777", "7777778");
        DeadLetters.Letter totalsPoison = head(parkedTotals, "7777777");
        DeadLetters.Letter otherTotalsPoison = head(parkedTotals, "7777778");
        assertThat(totalsPoison.causeType() + totalsPoison.causeMessage())
                .contains("DynamoDb");
        List<DeadLetters.Letter> parkedSearch = queues.list(SearchProjection.NAME);
        assertThat(parkedSearch).hasSize(3);
        assertThat(head(parkedSearch, "7777777").causeType()).contains("ArithmeticException");
        // Country counts do not look at amounts: nothing parked, all three counted.
        assertThat(queues.size(CountryVerificationProjection.NAME)).isZero();
        assertThat(countries.find(new InvoiceNumber("7777777"))).extracting(CountryVerificationView::totalTransactions)
                .containsExactly(3L);

        // An operator drops the poison: the event behind it is delivered by the retry of its invoice alone, and the
        // other invoice's letter is not touched.
        assertThat(queues.evict(TotalsProjection.NAME, totalsPoison.id())).isTrue();
        assertThat(queues.retrySequence(TotalsProjection.NAME, "7777777")).isTrue();
        assertThat(queues.list(TotalsProjection.NAME)).singleElement().satisfies(other -> {
            assertThat(other.sequence()).isEqualTo("7777778");
            assertThat(other.attempts()).as("not retried").isEqualTo(otherTotalsPoison.attempts());
        });
        assertThat(queues.retrySequence(TotalsProjection.NAME, "7777778")).as("its poison fails again").isFalse();
        assertThat(queues.evict(TotalsProjection.NAME, otherTotalsPoison.id())).isTrue();
        for (DeadLetters.Letter poison : List.of(head(parkedSearch, "7777777"), head(parkedSearch, "7777778"))) {
            assertThat(queues.evict(SearchProjection.NAME, poison.id())).isTrue();
        }
        queues.retryAll(SearchProjection.NAME);
        assertThat(queues.size(TotalsProjection.NAME)).isZero();
        assertThat(queues.size(SearchProjection.NAME)).isZero();
        assertThat(total("7777777")).isEqualByComparingTo("17");
        assertThat(search.find("7777777|T3")).isPresent();
        assertThat(search.find("7777777|T2")).isEmpty();
    }

    @Test
    void a_store_outage_stalls_only_its_projection_parks_nothing_and_catches_up() throws Exception {
        start(TestDatabases.H2);
        proxy.cut();
        EventHistory history = new EventHistory();
        Map<String, BigDecimal> expected = ordinaryInvoices(history, 0, 100);
        publish(history);

        // The others keep going while the totals' store is cut off.
        awaitCaughtUp(SearchProjection.NAME);
        awaitCaughtUp(CountryVerificationProjection.NAME);
        ProjectionControl control = new ProjectionControl(store);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                control.status(TotalsProjection.NAME).position() < control.status(TotalsProjection.NAME).head());
        assertThat(deadLetters().size(TotalsProjection.NAME)).as("an outage parks nothing").isZero();

        proxy.restore();
        awaitCaughtUp(TotalsProjection.NAME);
        assertThat(expected).as("invoices checked").isNotEmpty();
        expected.forEach((invoice, sum) -> assertThat(total(invoice)).as("total of " + invoice).isEqualTo(sum));
        assertThat(deadLetters().size(TotalsProjection.NAME)).isZero();
    }

    @Test
    void the_classifier_tells_a_passing_failure_from_a_refused_event() {
        assertThat(io.invoicestreams.adapters.Failures.isTransient(
                software.amazon.awssdk.core.exception.SdkClientException.create("connection refused"))).isTrue();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(new IllegalStateException("wrapped",
                new java.sql.SQLTransientConnectionException("gone")))).isTrue();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(
                software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400)
                        .message("ValidationException").build())).isFalse();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(
                software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(503)
                        .build())).isTrue();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(
                new java.sql.SQLException("value too long", "22001"))).isFalse();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(new ArithmeticException("overflow"))).isFalse();
        assertThat(io.invoicestreams.adapters.Failures.isTransient(new java.io.UncheckedIOException(
                new com.fasterxml.jackson.core.JsonParseException(null, "bad json")))).isFalse();
        assertThat(Money.parse(POISON_AMOUNT, USD).amount().precision()).isEqualTo(42);
    }
}
