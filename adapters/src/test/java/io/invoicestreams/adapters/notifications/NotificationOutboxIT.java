package io.invoicestreams.adapters.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcRowLock;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.notifications.NotificationOutbox.Row;
import io.invoicestreams.adapters.support.MutableClock;
import io.invoicestreams.adapters.support.TestDatabases;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import io.invoicestreams.projections.support.EventHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The notifications outbox end to end: the notifications processor writes rows with its token, and the sender
 * sends each row on its own to ElasticMQ, read back over the SQS protocol. The payment queue here is a standard
 * queue, which has no deduplication at all, so every second send of a payment would show.
 */
class NotificationOutboxIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedSqs elasticMq;
    private static SqsClient sqs;

    private String paymentsUrl;
    private String alertsName;
    private String alertsUrl;
    /** The time of the outbox and the sender, moved by the test. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));

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
        paymentsUrl = SqsChannel.createQueue(sqs, "payments-" + run); // standard: no deduplication
        alertsName = "alerts-" + run + ".fifo";
        alertsUrl = SqsChannel.createQueue(sqs, alertsName);
    }

    /** The processor, writing to the outbox. */
    private static InvoiceEventStore start(JdbcTransactions db, NotificationOutbox outbox) {
        ChannelNotifications notifications = new ChannelNotifications(outbox.channel("alerts", "alerts"),
                outbox.channel("payments", "payments"));
        return InvoiceEventStore.start(db, "node-a", Duration.ofSeconds(5), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(NotificationsProjection.NAME,
                                new NotificationsProjection(notifications), false, true)),
                        new ProjectionProcessors.Settings(2, 2, Duration.ofMillis(100)), db));
    }

    private NotificationOutbox outbox(JdbcTransactions db) {
        NotificationOutbox outbox = new NotificationOutbox(db, clock);
        outbox.createSchema();
        return outbox;
    }

    private OutboxSender sender(JdbcTransactions db, NotificationOutbox outbox, MessageChannel payments) {
        JdbcRowLock lock = new JdbcRowLock(db, NotificationOutbox.LOCK, db.dataSource());
        lock.createSchema();
        return new OutboxSender(outbox, Map.of("payments", payments, "alerts", new SqsChannel(sqs, alertsUrl)), lock,
                clock, OutboxSender.Settings.defaults());
    }

    private static void publishAndAwait(JdbcTransactions db, InvoiceEventStore store, EventHistory history) {
        db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
        assertThat(new ProjectionControl(store).awaitCaughtUp(NotificationsProjection.NAME, Duration.ofSeconds(30),
                Duration.ofMillis(50), p -> { })).isTrue();
    }

    private static List<String> invoicesOf(List<Message> messages) {
        return messages.stream().map(m -> {
            try {
                return JSON.readTree(m.body()).get("invoiceNumber").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.class)
    void an_alert_that_fails_for_longer_than_the_deduplication_window_never_sends_its_payment_again(
            TestDatabases database) {
        JdbcTransactions db = database.fresh();
        NotificationOutbox outbox = outbox(db);
        AtomicInteger paymentSends = new AtomicInteger();
        SqsChannel paymentQueue = new SqsChannel(sqs, paymentsUrl);
        MessageChannel payments = new MessageChannel() {
            @Override
            public void send(OutboundMessage message) {
                paymentSends.incrementAndGet();
                paymentQueue.send(message);
            }

            @Override
            public String describe() {
                return paymentQueue.describe();
            }
        };
        OutboxSender sender = sender(db, outbox, payments);
        // One event opens invoice 7000001 with amount 0: a payment and an alert from the same handler.
        EventHistory history = new EventHistory().recorded("7000001", "T-1", "$0", "USA");
        sqs.deleteQueue(b -> b.queueUrl(alertsUrl)); // the alert channel is down
        String eventId = io.invoicestreams.adapters.eventstore.DeterministicEventIds.idFor(
                (io.invoicestreams.domain.invoice.InvoiceEvent) history.messages().getFirst().getPayload());
        try (InvoiceEventStore store = start(db, outbox)) {
            publishAndAwait(db, store, history);

            // Ten minutes of passes, twice the five minutes in which a FIFO queue would drop a second copy.
            for (int minute = 0; minute <= 10; minute++) {
                sender.sendDue();
                clock.advance(Duration.ofMinutes(1));
            }
            Row alert = outbox.ofEvent(eventId).stream()
                    .filter(r -> r.channel().equals("alerts")).findFirst().orElseThrow();
            assertThat(alert.sentAt()).isNull();
            assertThat(alert.attempts()).as("tried in every pass whose backoff had passed").isEqualTo(11);
            assertThat(alert.lastError()).contains("QueueDoesNotExist");

            assertThat(SqsChannel.createQueue(sqs, alertsName)).isEqualTo(alertsUrl); // the channel is back
            assertThat(sender.sendDue().sent()).isEqualTo(1);
        }

        assertThat(paymentSends.get()).as("sends of the payment over all passes").isEqualTo(1);
        List<Message> received = io.invoicestreams.adapters.support.Queues.drain(sqs, paymentsUrl);
        assertThat(invoicesOf(received)).containsExactly("7000001");
        assertThat(io.invoicestreams.adapters.support.Queues.drain(sqs, alertsUrl)).singleElement()
                .satisfies(m -> assertThat(m.body()).startsWith("Take immediate action for Invoice number 7000001"));
        assertThat(outbox.ofEvent(eventId))
                .extracting(Row::channel, r -> r.sentAt() != null)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("payments", true),
                        org.assertj.core.groups.Tuple.tuple("alerts", true));
        assertThat(outbox.backlog()).isEmpty();
    }

    @Test
    void a_failing_group_waits_in_order_while_every_other_group_goes_on_and_is_never_hidden_from_the_sender() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        NotificationOutbox outbox = outbox(db);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        MessageChannel payments = new MessageChannel() {
            @Override
            public void send(OutboundMessage message) {
                if (down.get() && message.groupId().equals("7100000")) {
                    throw new IllegalStateException("payment service refuses " + message.groupId());
                }
                delivered.add(message.groupId() + "/" + message.deduplicationId());
            }

            @Override
            public String describe() {
                return "a recording channel";
            }
        };
        OutboxSender sender = sender(db, outbox, payments);
        // Written straight to the outbox, as the processor does: three of the failing invoice, then 30 others.
        for (int i = 1; i <= 3; i++) {
            outbox.add("payments", new OutboundMessage("{}", "7100000", "e-" + i, Map.of()));
        }
        for (int i = 1; i <= 30; i++) {
            outbox.add("payments", new OutboundMessage("{}", Integer.toString(7100000 + i), "f-" + i, Map.of()));
        }
        outbox.add("payments", new OutboundMessage("{}", "7100000", "e-4", Map.of()));

        OutboxSender.Pass first = sender.sendDue();
        assertThat(first.sent()).isEqualTo(30);
        assertThat(first.failed()).isEqualTo(1);
        assertThat(outbox.due(clock.instant(), 5)).as("the failing group waits; nothing else is left")
                .isEmpty();
        assertThat(outbox.backlog().get("payments").unsent()).isEqualTo(4);
        assertThat(outbox.backlog().get("payments").failing()).isEqualTo(1);

        clock.advance(Duration.ofMillis(999));
        assertThat(sender.sendDue()).as("within the first backoff of 1 s").isEqualTo(new OutboxSender.Pass(0, 0, false));
        clock.advance(Duration.ofMillis(1));
        assertThat(sender.sendDue().failed()).as("tried again after 1 s").isEqualTo(1);

        down.set(false);
        clock.advance(Duration.ofSeconds(2));
        assertThat(sender.sendDue().sent()).isEqualTo(4);
        assertThat(delivered.stream().filter(d -> d.startsWith("7100000/")).toList())
                .containsExactly("7100000/e-1", "7100000/e-2", "7100000/e-3", "7100000/e-4");
        assertThat(delivered).hasSize(34).doesNotHaveDuplicates();
        assertThat(outbox.backlog()).isEmpty();
    }

    @Test
    void a_message_written_again_is_kept_once_and_sent_rows_are_purged_after_their_time() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        NotificationOutbox outbox = outbox(db);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        MessageChannel payments = new MessageChannel() {
            @Override
            public void send(OutboundMessage message) {
                delivered.add(message.deduplicationId());
            }

            @Override
            public String describe() {
                return "a recording channel";
            }
        };
        OutboxSender sender = sender(db, outbox, payments);
        outbox.add("payments", new OutboundMessage("{}", "7200000", "e-1", Map.of("type", "new-invoice")));
        outbox.add("payments", new OutboundMessage("{}", "7200000", "e-1", Map.of("type", "new-invoice")));
        assertThat(sender.sendDue().sent()).isEqualTo(1);
        outbox.add("payments", new OutboundMessage("{}", "7200000", "e-1", Map.of("type", "new-invoice")));
        outbox.add("payments", new OutboundMessage("{}", "7200000", "e-2", Map.of()));
        clock.advance(Duration.ofDays(7).plusSeconds(61));
        assertThat(sender.sendDue().sent()).as("e-2 only: e-1 was sent already").isEqualTo(1);
        assertThat(delivered).containsExactly("e-1", "e-2");
        assertThat(outbox.ofEvent("e-1")).as("sent more than seven days ago: purged").isEmpty();
        assertThat(outbox.ofEvent("e-2")).singleElement().satisfies(r -> {
            assertThat(r.sentAt()).isEqualTo(clock.instant());
            assertThat(r.message().attributes()).isEmpty();
        });
    }

    @Test
    void the_started_sender_is_woken_by_the_processors_commit() {
        JdbcTransactions db = TestDatabases.H2.fresh();
        NotificationOutbox outbox = new NotificationOutbox(db, Clock.systemUTC());
        outbox.createSchema();
        JdbcRowLock lock = new JdbcRowLock(db, NotificationOutbox.LOCK, db.dataSource());
        lock.createSchema();
        // A tick of an hour: only the wake-up can send within the test's time.
        try (OutboxSender sender = new OutboxSender(outbox, Map.of("payments", new SqsChannel(sqs, paymentsUrl),
                "alerts", new SqsChannel(sqs, alertsUrl)), lock, Clock.systemUTC(), new OutboxSender.Settings(4,
                Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofDays(7)));
             InvoiceEventStore store = start(db, outbox)) {
            sender.start();
            publishAndAwait(db, store, EventHistory.seed());
            List<Message> received = new java.util.ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                received.addAll(io.invoicestreams.adapters.support.Queues.drain(sqs, paymentsUrl));
                return received.size() >= 3;
            });
            assertThat(invoicesOf(received)).containsExactlyInAnyOrder("1212121", "1212122", "1212123");
        }
    }
}
