package io.invoicestreams.adapters.bench;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.notifications.ChannelNotifications;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.notifications.LogChannel;
import io.invoicestreams.adapters.notifications.SqsChannel;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import io.invoicestreams.projections.support.EventHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The notification publish rate: new invoices through the notifications processor (its JDBC dead-letter queue on,
 * H2 file store) into a FIFO queue on ElasticMQ in the same JVM, one SendMessage per payment message. The service's
 * path (4 segments, batches of 500, messages written to the outbox and sent by its sender, ADR 0025) against the
 * path before the outbox (the handler sends) and a naive processor (one segment, one event per batch and token
 * commit, the handler sends); one thread sending the same messages with no processor is the reference. Each path
 * runs {@code bench.runs} times (2); the figures are ranges.
 *
 * <p>{@code ./mvnw -pl adapters -am install -DskipTests && ./mvnw -pl adapters exec:java -Pbench
 * -Dbench.main=io.invoicestreams.adapters.bench.NotificationsBenchmark}
 */
public final class NotificationsBenchmark {

    static final int INVOICES = Integer.getInteger("bench.notifications.invoices", 5_000);

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "../docs/benchmarks.md");
        try (EmbeddedSqs elasticMq = EmbeddedSqs.start(0);
             SqsClient sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(elasticMq.endpoint()),
                     Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL)) {
            EventHistory history = new EventHistory();
            for (int i = 0; i < INVOICES; i++) {
                history.recorded(Integer.toString(3_000_000 + i), "T1", "$" + (10 + i % 90), "USA");
            }
            rawSendRate(sqs, 2_000); // warm-up: JIT, connections, ElasticMQ's actors
            int runs = Integer.getInteger("bench.runs", 2);
            List<Run> naive = new java.util.ArrayList<>();
            List<Run> direct = new java.util.ArrayList<>();
            List<Run> outbox = new java.util.ArrayList<>();
            List<Double> raw = new java.util.ArrayList<>();
            for (int r = 0; r < runs; r++) {
                naive.add(run(sqs, history, new ProjectionProcessors.Settings(1, 1, Duration.ofMillis(100)), "naive",
                        false));
                direct.add(run(sqs, history, new ProjectionProcessors.Settings(500, 4, Duration.ofMillis(100)),
                        "direct", false));
                outbox.add(run(sqs, history, new ProjectionProcessors.Settings(500, 4, Duration.ofMillis(100)),
                        "outbox", true));
                raw.add(rawSendRate(sqs, history.size()));
            }
            boolean all = java.util.stream.Stream.of(naive, direct, outbox).flatMap(List::stream)
                    .allMatch(x -> x.received() == INVOICES);
            String body = BenchmarkReport.measured() + " " + INVOICES + " new invoices, each one payment message; "
                    + runs + " runs of each path, each cell the range over the runs.\n\n"
                    + "| path | messages | seconds | messages/s |\n|---|---|---|---|\n"
                    + row("the service: 4 segments, batches of 500, through the outbox and its sender", outbox)
                    + row("before the outbox: 4 segments, batches of 500, the handler sends", direct)
                    + row("naive: one segment, one event per batch and token commit, the handler sends", naive)
                    + String.format("| one SendMessage after another, no processor and no store | %,d | | %s |%n",
                    INVOICES, range(raw, "%,.0f"))
                    + String.format("%nThrough the outbox the service publishes **%s** the naive rate and %s the rate"
                                    + " of the handler sending itself. Every message was received back from the"
                                    + " queue, once: %s.%n",
                            ratio(outbox, naive), ratio(outbox, direct), all ? "yes" : "NO");
            BenchmarkReport.replaceSection(report, "notifications", body);
            System.out.print(body);
        }
    }

    record Run(double seconds, int received) {
        double rate() {
            return INVOICES / seconds;
        }
    }

    private static String row(String name, List<Run> runs) {
        return String.format("| %s | %,d | %s | %s |%n", name, INVOICES,
                range(runs.stream().map(Run::seconds).toList(), "%.1f"),
                range(runs.stream().map(Run::rate).toList(), "%,.0f"));
    }

    private static String range(List<Double> values, String format) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        String low = String.format(format, min);
        String high = String.format(format, max);
        return low.equals(high) ? low : low + "–" + high;
    }

    private static String ratio(List<Run> a, List<Run> b) {
        double lowA = a.stream().mapToDouble(Run::rate).min().orElseThrow();
        double highA = a.stream().mapToDouble(Run::rate).max().orElseThrow();
        double lowB = b.stream().mapToDouble(Run::rate).min().orElseThrow();
        double highB = b.stream().mapToDouble(Run::rate).max().orElseThrow();
        return range(List.of(lowA / highB, highA / lowB), "%.1f") + "×";
    }

    private static double rawSendRate(SqsClient sqs, int count) {
        String url = SqsChannel.createQueue(sqs, "raw-" + System.nanoTime() + ".fifo");
        SqsChannel channel = new SqsChannel(sqs, url);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            channel.send(new io.invoicestreams.adapters.notifications.OutboundMessage("{}", "g" + i, "d" + i,
                    java.util.Map.of()));
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static Run run(SqsClient sqs, EventHistory history, ProjectionProcessors.Settings settings, String name,
                           boolean throughOutbox) throws Exception {
        String url = SqsChannel.createQueue(sqs, name + "-" + System.nanoTime() + ".fifo");
        String h2 = EventStoreDatabase.h2FileUrl(Files.createTempDirectory("notifications-bench-h2"));
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(h2, "sa", "", 8));
        io.invoicestreams.adapters.notifications.NotificationOutbox rows = null;
        io.invoicestreams.adapters.notifications.OutboxSender sender = null;
        ChannelNotifications notifications;
        if (throughOutbox) {
            rows = new io.invoicestreams.adapters.notifications.NotificationOutbox(db, Clock.systemUTC());
            rows.createSchema();
            var lock = new io.invoicestreams.adapters.jdbc.JdbcRowLock(db,
                    io.invoicestreams.adapters.notifications.NotificationOutbox.LOCK,
                    EventStoreDatabase.pool(h2, "sa", "", 1));
            lock.createSchema();
            sender = new io.invoicestreams.adapters.notifications.OutboxSender(rows, java.util.Map.of(
                    "alerts", new LogChannel("alerts"), "payments", new SqsChannel(sqs, url)), lock, Clock.systemUTC(),
                    io.invoicestreams.adapters.notifications.OutboxSender.Settings.defaults());
            notifications = new ChannelNotifications(rows.channel("alerts", "the log"), rows.channel("payments", url));
        } else {
            notifications = new ChannelNotifications(new LogChannel("alerts"), new SqsChannel(sqs, url));
        }
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench", Duration.ofSeconds(10), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(NotificationsProjection.NAME,
                        new NotificationsProjection(notifications), true, true)), settings, db))) {
            if (sender != null) {
                sender.start();
            }
            // The events are stored first, the processor follows them from the tail (historyIsNew), as it follows
            // a burst of new invoices.
            var processor = store.configuration().eventProcessingConfiguration()
                    .eventProcessor(NotificationsProjection.NAME,
                            org.axonframework.eventhandling.StreamingEventProcessor.class).orElseThrow();
            processor.shutDown();
            db.executeInTransaction(() -> store.configuration().eventStore().publish(history.messages()));
            long t0 = System.nanoTime();
            processor.start();
            if (!new ProjectionControl(store).awaitCaughtUp(NotificationsProjection.NAME, Duration.ofMinutes(30),
                    Duration.ofMillis(20), p -> { })) {
                throw new IllegalStateException(name + " did not catch up");
            }
            if (rows != null) {
                while (!rows.backlog().isEmpty()) { // every message sent, not only written
                    Thread.sleep(5);
                }
                sender.close();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int received = 0;
            while (true) {
                var batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages();
                if (batch.isEmpty()) {
                    break;
                }
                received += batch.size();
                for (var m : batch) {
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                }
            }
            return new Run(seconds, received);
        }
    }
}
