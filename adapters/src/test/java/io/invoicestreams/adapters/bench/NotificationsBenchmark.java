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
 * settings (4 segments, batches of 500) against a naive processor (one segment, one event per batch and token
 * commit); one thread sending the same messages with no processor is the reference.
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
            Run naive = run(sqs, history, new ProjectionProcessors.Settings(1, 1, Duration.ofMillis(100)), "naive");
            Run service = run(sqs, history, new ProjectionProcessors.Settings(500, 4, Duration.ofMillis(100)),
                    "service");
            double raw = rawSendRate(sqs, history.size());
            String body = BenchmarkReport.measured() + " " + INVOICES + " new invoices, each one payment message.\n\n"
                    + "| path | messages | seconds | messages/s |\n|---|---|---|---|\n"
                    + row("notifications processor, 4 segments, batches of 500", service)
                    + row("naive: one segment, one event per batch and token commit", naive)
                    + String.format("| one SendMessage after another, no processor and no store | %,d | | %,.0f |%n",
                    INVOICES, raw)
                    + String.format("%nThe service's settings publish **%.1f×** the naive rate; that is %.0f%% of one"
                            + " thread sending without a processor (four segments send side by side). Every message"
                            + " was received back from the queue: %s.%n",
                    service.rate() / naive.rate(), 100 * service.rate() / raw,
                    service.received() == INVOICES && naive.received() == INVOICES ? "yes" : "NO");
            BenchmarkReport.replaceSection(report, "notifications", body);
            System.out.print(body);
        }
    }

    record Run(double seconds, int received) {
        double rate() {
            return INVOICES / seconds;
        }
    }

    private static String row(String name, Run run) {
        return String.format("| %s | %,d | %.1f | %,.0f |%n", name, INVOICES, run.seconds(), run.rate());
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

    private static Run run(SqsClient sqs, EventHistory history, ProjectionProcessors.Settings settings, String name)
            throws Exception {
        String url = SqsChannel.createQueue(sqs, name + "-" + System.nanoTime() + ".fifo");
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(EventStoreDatabase.h2FileUrl(
                Files.createTempDirectory("notifications-bench-h2")), "sa", "", 8));
        ChannelNotifications notifications = new ChannelNotifications(new LogChannel("alerts"),
                new SqsChannel(sqs, url));
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "bench", Duration.ofSeconds(10), Clock.systemUTC(),
                ProjectionProcessors.register(List.of(new ProjectionProcessors.Projection(NotificationsProjection.NAME,
                        new NotificationsProjection(notifications), true, true)), settings, db))) {
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
