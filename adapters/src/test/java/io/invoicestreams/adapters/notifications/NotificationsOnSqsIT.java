package io.invoicestreams.adapters.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import io.invoicestreams.projections.notifications.ZeroAmountAlert;
import io.invoicestreams.projections.support.EventHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The notifications processing group end to end: events in the Axon store, the processor with its JDBC dead-letter
 * queue, and FIFO queues on ElasticMQ, read back over the SQS protocol.
 */
class NotificationsOnSqsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedSqs elasticMq;
    private static SqsClient sqs;

    private String paymentsUrl;
    private String alertsUrl;
    /** Fails sends whose group (invoice) matches, while set; counts every send that reached the queue. */
    private volatile Predicate<OutboundMessage> failing = m -> false;
    private final AtomicInteger sends = new AtomicInteger();

    @BeforeAll
    static void startElasticMq() {
        elasticMq = EmbeddedSqs.start(0);
        sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(elasticMq.endpoint()), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
    }

    @AfterAll
    static void stopElasticMq() {
        sqs.close();
        elasticMq.close();
    }

    @BeforeEach
    void queues() {
        String run = Long.toString(System.nanoTime());
        paymentsUrl = SqsChannel.createQueue(sqs, "payments-" + run + ".fifo");
        alertsUrl = SqsChannel.createQueue(sqs, "alerts-" + run + ".fifo");
    }

    private MessageChannel channel(String url) {
        SqsChannel sqsChannel = new SqsChannel(sqs, url);
        return new MessageChannel() {
            @Override
            public void send(OutboundMessage message) {
                if (failing.test(message)) {
                    throw new IllegalStateException("payment service unavailable for " + message.groupId());
                }
                sqsChannel.send(message);
                sends.incrementAndGet();
            }

            @Override
            public String describe() {
                return sqsChannel.describe();
            }
        };
    }

    private InvoiceEventStore start(JdbcTransactions db) {
        return start(db, new ChannelNotifications(channel(alertsUrl), channel(paymentsUrl)));
    }

    private static InvoiceEventStore start(JdbcTransactions db, ChannelNotifications notifications) {
        return InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(NotificationsProjection.NAME,
                                new NotificationsProjection(notifications), false, true)),
                        new ProjectionProcessors.Settings(2, 2, Duration.ofMillis(100)), db));
    }

    private static List<Message> drain(String url) {
        return io.invoicestreams.adapters.support.Queues.drain(sqs, url);
    }

    private static void publish(JdbcTransactions db, InvoiceEventStore store, EventHistory history, int from) {
        db.executeInTransaction(() -> store.configuration().eventStore()
                .publish(history.messages().subList(from, history.size())));
    }

    private static void awaitCaughtUp(InvoiceEventStore store) {
        assertThat(new ProjectionControl(store).awaitCaughtUp(NotificationsProjection.NAME, Duration.ofSeconds(30),
                Duration.ofMillis(50), p -> { })).isTrue();
    }

    /** Puts this token in every segment of the (stopped) notifications processor. */
    private static void putTokens(JdbcTransactions db, InvoiceEventStore store,
                                  org.axonframework.eventhandling.TrackingToken token) {
        TokenStore tokens = store.tokenStore();
        db.executeInTransaction(() -> {
            for (int segment : tokens.fetchSegments(NotificationsProjection.NAME)) {
                tokens.storeToken(token, NotificationsProjection.NAME, segment);
            }
        });
    }

    private static JsonNode json(Message message) {
        try {
            return JSON.readTree(message.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void the_seed_gives_one_payment_message_per_invoice_and_a_zero_amount_one_alert(TestDatabases database) {
        JdbcTransactions db = database.fresh();
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");
        try (InvoiceEventStore store = start(db)) {
            publish(db, store, history, 0);
            awaitCaughtUp(store);

            List<Message> payments = drain(paymentsUrl);
            assertThat(payments).extracting(m -> json(m).get("invoiceNumber").asText())
                    .containsExactlyInAnyOrder("1212121", "1212122", "1212123");
            JsonNode first = payments.stream().map(NotificationsOnSqsIT::json)
                    .filter(n -> n.get("invoiceNumber").asText().equals("1212121")).findFirst().orElseThrow();
            assertThat(first.get("transactionId").asText()).isEqualTo("Client1_trans1xxxx");
            assertThat(first.get("amount").asText()).isEqualTo("100.00");
            assertThat(first.get("currency").asText()).isEqualTo("USD");
            assertThat(first.get("country").asText()).isEqualTo("USA");
            assertThat(first.get("eventId").asText()).as("derived from the stream record, as the store keeps it")
                    .isEqualTo(io.invoicestreams.adapters.eventstore.DeterministicEventIds.idFor(
                            (io.invoicestreams.domain.invoice.InvoiceEvent) history.messages().getFirst().getPayload()));
            assertThat(payments).allSatisfy(m -> assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                    .as("grouped by invoice").isEqualTo(json(m).get("invoiceNumber").asText()));

            List<Message> alerts = drain(alertsUrl);
            assertThat(alerts).hasSize(1);
            assertThat(alerts.getFirst().body()).startsWith("Take immediate action for Invoice number 1212121 as zero"
                    + " value is reported in the InvoiceTransactions table as on ")
                    .matches(".* as on \\d{10}$");
            assertThat(alerts.getFirst().messageAttributes().get("type").stringValue()).isEqualTo("zero-amount-alert");
        }
    }

    @Test
    void a_crash_before_the_token_was_stored_sends_again_and_the_queue_delivers_once() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");
        try (InvoiceEventStore store = start(db)) {
            publish(db, store, history, 0);
            awaitCaughtUp(store);
            assertThat(sends.get()).isEqualTo(4);

            // As after a crash between the sends and the token's commit: the token is back where the batch began,
            // as a plain (live) token, so the handlers run again for the same events.
            StreamingEventProcessor processor = store.configuration().eventProcessingConfiguration()
                    .eventProcessor(NotificationsProjection.NAME, StreamingEventProcessor.class).orElseThrow();
            processor.shutDown();
            putTokens(db, store, GapAwareTrackingToken.newInstance(-1, java.util.Set.of()));
            processor.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> sends.get() == 8);

            assertThat(drain(paymentsUrl)).as("three invoices, each sent twice").hasSize(3);
            assertThat(drain(alertsUrl)).as("one zero amount, sent twice").hasSize(1);
        }
    }

    @Test
    void a_replay_of_the_notifications_group_sends_nothing() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        EventHistory history = EventHistory.seed().corrected("1212121", "Client1_trans1xxxx", "$0");
        try (InvoiceEventStore store = start(db)) {
            publish(db, store, history, 0);
            awaitCaughtUp(store);
            assertThat(drain(paymentsUrl)).hasSize(3);
            assertThat(drain(alertsUrl)).hasSize(1);
            int before = sends.get();

            ProjectionControl control = new ProjectionControl(store);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> control.startRebuild(NotificationsProjection.NAME))
                    .isInstanceOf(ProjectionControl.RebuildRefused.class).hasMessageContaining("@DisallowReplay");
            StreamingEventProcessor processor = store.configuration().eventProcessingConfiguration()
                    .eventProcessor(NotificationsProjection.NAME, StreamingEventProcessor.class).orElseThrow();
            processor.shutDown();
            org.assertj.core.api.Assertions.assertThatThrownBy(processor::resetTokens)
                    .as("Axon refuses a reset of handlers that do not replay").isInstanceOf(IllegalStateException.class);
            // A replay forced through the token store (as a processor's first start over an existing history).
            putTokens(db, store, org.axonframework.eventhandling.ReplayToken.createReplayToken(
                    GapAwareTrackingToken.newInstance(history.size(), java.util.Set.of())));
            processor.start();
            awaitCaughtUp(store);
            await().atMost(Duration.ofSeconds(10)).until(() -> !control.status(NotificationsProjection.NAME).replaying());

            assertThat(sends.get()).as("no send during the replay").isEqualTo(before);
            assertThat(drain(paymentsUrl)).isEmpty();
            assertThat(drain(alertsUrl)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void a_failing_invoice_is_parked_with_its_later_events_while_other_invoices_go_on_and_a_retry_delivers_them(
            TestDatabases database) {
        JdbcTransactions db = database.fresh();
        EventHistory history = EventHistory.seed();
        failing = m -> m.groupId().equals("1212122");
        try (InvoiceEventStore store = start(db)) {
            DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(NotificationsProjection.NAME),
                    Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofHours(1), Duration.ofHours(2)));
            publish(db, store, history, 0);
            awaitCaughtUp(store);
            int before = history.size();
            history.corrected("1212122", "Client2_trans1xxx", "$0"); // an alert behind the parked payment
            publish(db, store, history, before);
            awaitCaughtUp(store);

            assertThat(drain(paymentsUrl)).extracting(m -> json(m).get("invoiceNumber").asText())
                    .containsExactlyInAnyOrder("1212121", "1212123");
            assertThat(drain(alertsUrl)).as("parked behind the failed payment of its invoice").isEmpty();
            List<DeadLetters.Letter> parked = deadLetters.list(NotificationsProjection.NAME);
            assertThat(parked).extracting(DeadLetters.Letter::sequence, DeadLetters.Letter::eventType)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("1212122", "TransactionRecorded"),
                            org.assertj.core.groups.Tuple.tuple("1212122", "TransactionAmountCorrected"));
            assertThat(parked.getFirst().causeMessage()).contains("payment service unavailable for 1212122");
            assertThat(parked.getFirst().attempts()).isEqualTo(1);

            assertThat(deadLetters.retryDue(NotificationsProjection.NAME)).as("backoff of an hour").isZero();
            assertThat(deadLetters.retryAll(NotificationsProjection.NAME)).as("still failing").isZero();
            assertThat(deadLetters.list(NotificationsProjection.NAME).getFirst().attempts()).isEqualTo(2);

            failing = m -> false;
            assertThat(deadLetters.retryAll(NotificationsProjection.NAME)).isEqualTo(1);
            assertThat(deadLetters.list(NotificationsProjection.NAME)).isEmpty();
            assertThat(drain(paymentsUrl)).extracting(m -> json(m).get("invoiceNumber").asText())
                    .containsExactly("1212122");
            assertThat(drain(alertsUrl)).extracting(Message::body).singleElement().asString()
                    .contains("Invoice number 1212122");
        }
    }

    @Test
    void a_queue_that_is_gone_parks_the_event_and_it_is_delivered_once_the_queue_is_back() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        EventHistory history = EventHistory.seed();
        try (InvoiceEventStore store = start(db)) {
            DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(NotificationsProjection.NAME),
                    Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
            String name = paymentsUrl.substring(paymentsUrl.lastIndexOf('/') + 1);
            sqs.deleteQueue(b -> b.queueUrl(paymentsUrl));
            publish(db, store, history, 0);
            awaitCaughtUp(store);

            List<DeadLetters.Letter> parked = deadLetters.list(NotificationsProjection.NAME);
            assertThat(parked).as("each invoice's first event, and the later ones of 1212121 behind it")
                    .extracting(DeadLetters.Letter::sequence)
                    .containsExactlyInAnyOrder("1212121", "1212121", "1212121", "1212122", "1212123");
            assertThat(parked.getFirst().causeType()).isEqualTo(QueueDoesNotExistException.class.getName());

            String recreated = SqsChannel.createQueue(sqs, name);
            assertThat(recreated).isEqualTo(paymentsUrl);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                deadLetters.retryDue(NotificationsProjection.NAME);
                return deadLetters.size(NotificationsProjection.NAME) == 0;
            });
            assertThat(drain(paymentsUrl)).hasSize(3);
        }
    }

    @Test
    void an_evicted_event_is_never_sent() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        failing = m -> m.groupId().equals("1212123");
        try (InvoiceEventStore store = start(db)) {
            DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(NotificationsProjection.NAME),
                    Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
            publish(db, store, EventHistory.seed(), 0);
            awaitCaughtUp(store);
            DeadLetters.Letter letter = deadLetters.list(NotificationsProjection.NAME).getFirst();

            assertThat(deadLetters.evict(NotificationsProjection.NAME, letter.id())).isTrue();
            assertThat(deadLetters.evict(NotificationsProjection.NAME, letter.id())).isFalse();
            failing = m -> false;
            deadLetters.retryAll(NotificationsProjection.NAME);

            assertThat(deadLetters.list(NotificationsProjection.NAME)).isEmpty();
            assertThat(drain(paymentsUrl)).extracting(m -> json(m).get("invoiceNumber").asText())
                    .containsExactlyInAnyOrder("1212121", "1212122");
        }
    }

    @Test
    void a_process_that_does_not_run_the_group_lists_and_evicts_its_parked_events_but_does_not_retry_them() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        failing = m -> !m.groupId().equals("1212121");
        try (InvoiceEventStore store = start(db)) {
            publish(db, store, EventHistory.seed(), 0);
            awaitCaughtUp(store);
        }
        // As the dlq command on the embedded defaults: the same store, without the notifications processor.
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "cli", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(), new ProjectionProcessors.Settings(2, 2, Duration.ofMillis(100)),
                        db))) {
            DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(NotificationsProjection.NAME),
                    Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
            List<DeadLetters.Letter> parked = deadLetters.list(NotificationsProjection.NAME);
            assertThat(parked).extracting(DeadLetters.Letter::sequence).containsExactlyInAnyOrder("1212122", "1212123");

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> deadLetters.retryAll(NotificationsProjection.NAME))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the processing group 'notifications' does not run in this process, so its parked"
                            + " events cannot be retried here; retry them on the running service: POST"
                            + " /admin/dlq/notifications/retry");
            assertThat(deadLetters.evict(NotificationsProjection.NAME, parked.getFirst().id())).isTrue();
            assertThat(deadLetters.size(NotificationsProjection.NAME)).isEqualTo(1);
        }
    }

    @Test
    void an_unknown_group_is_refused_with_the_groups_that_have_a_queue() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        try (InvoiceEventStore store = start(db)) {
            DeadLetters.Queues deadLetters = new DeadLetters.Queues(store, List.of(NotificationsProjection.NAME),
                    Clock.systemUTC(), new DeadLetters.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> deadLetters.list("totals"))
                    .hasMessage("processing group 'totals' has no dead-letter queue; groups with one: [notifications]");
        }
    }

    @Test
    void the_alert_text_carries_the_time_of_the_change() {
        var alert = new ZeroAmountAlert("e", new io.invoicestreams.domain.InvoiceNumber("1212121"),
                new io.invoicestreams.domain.TransactionId("T"), java.time.Instant.parse("2016-06-06T10:11:12Z"));
        assertThat(alert.text()).endsWith(" as on 1606101112");
    }
}
