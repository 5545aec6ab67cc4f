package io.invoicestreams.app.notifications;

import io.agroal.api.AgroalDataSource;
import io.invoicestreams.adapters.aws.EndpointCredentials;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.jdbc.JdbcRowLock;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.notifications.ChannelNotifications;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.notifications.LogChannel;
import io.invoicestreams.adapters.notifications.MessageChannel;
import io.invoicestreams.adapters.notifications.NotificationOutbox;
import io.invoicestreams.adapters.notifications.OutboxSender;
import io.invoicestreams.adapters.notifications.SnsChannel;
import io.invoicestreams.adapters.notifications.SqsChannel;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.Command;
import io.invoicestreams.app.Invocation;
import io.invoicestreams.app.InvoiceStreamsConfig;
import io.invoicestreams.app.eventstore.EventStoreAssembly.StoreDatabase;
import io.invoicestreams.app.notifications.NotificationsConfig.ChannelTarget;
import io.invoicestreams.app.Mode;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Notifications: zero-amount alerts and payment messages, sent to SQS (ElasticMQ in the JVM by default), SNS or,
 * for alerts, the log. Only the serving process sends; a rebuild never does, and {@code dlq} does only when the
 * channels are shared ones outside this JVM (ADR 0013).
 */
// A native image keeps the read model's handler, which Axon calls reflectively.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = NotificationsProjection.class)
@Singleton
public class NotificationsAssembly {

    private static final Logger LOG = Logger.getLogger(NotificationsAssembly.class);
    static final String ALERTS = "alerts";
    static final String PAYMENTS = "payments";

    /**
     * The channels of this process, when it sends. With the embedded ElasticMQ the queues are made on the thread that
     * boots it, while the rest of the service starts; {@link #awaitReady} waits for them (ADR 0033), and so does every
     * accessor but {@link #targets} and {@link #sends}.
     */
    public static final class Channels implements AutoCloseable {
        private final Map<String, MessageChannel> targets;
        private final Builder parts;
        private final CompletableFuture<Void> ready;

        private Channels(Map<String, MessageChannel> targets, Builder parts, CompletableFuture<Void> ready) {
            this.targets = targets;
            this.parts = parts;
            this.ready = ready;
        }

        static Channels none() {
            return new Channels(Map.of(), null, CompletableFuture.completedFuture(null));
        }

        /** Where each channel (alerts, payments) sends; empty when this process sends nothing. */
        public Map<String, MessageChannel> targets() {
            return targets;
        }

        /** True when this process sends notifications. */
        public boolean sends() {
            return !targets.isEmpty();
        }

        /** Waits until every channel can send; throws what stopped one, such as ElasticMQ's port in use. */
        public void awaitReady() {
            joined(ready);
        }

        /** The SQS client, when a channel is a queue. */
        public Optional<SqsClient> sqs() {
            awaitReady();
            return Optional.ofNullable(parts == null ? null : parts.sqs);
        }

        public Optional<EmbeddedSqs> embeddedSqs() {
            awaitReady();
            return Optional.ofNullable(parts == null ? null : parts.embedded);
        }

        /** The queue URL of a channel that is a queue (alerts, payments). */
        public Optional<String> queueUrl(String channel) {
            awaitReady();
            return Optional.ofNullable(parts == null ? null : parts.urls.get(channel));
        }

        @Override
        public void close() {
            if (parts == null) {
                return;
            }
            try {
                ready.get(1, java.util.concurrent.TimeUnit.MINUTES); // queues still being made: let that end first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // failed or too slow: close what was made
            }
            parts.close();
        }
    }

    /** A channel whose queue is being made; it sends once it is, and describes itself at once. */
    private record DeferredChannel(String description, CompletableFuture<MessageChannel> channel)
            implements MessageChannel {
        @Override
        public void send(io.invoicestreams.adapters.notifications.OutboundMessage message) {
            joined(channel).send(message);
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /** The future's value, or the exception that ended it, unwrapped. */
    static <T> T joined(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** The embedded ElasticMQ, booting on a thread of its own since start-up began; null when none is used. */
    private volatile CompletableFuture<EmbeddedSqs> embeddedSqs;

    /**
     * Boots the embedded ElasticMQ first thing at start-up, on a thread of its own, while the event store and the
     * other read models are assembled; the channels wait for it when they make their queues (ADR 0033).
     */
    void launchFirst(@Observes @Priority(0) StartupEvent event, NotificationsConfig n, Invocation invocation) {
        if (n.enabled() && invocation.mode() == Mode.SERVE && embeddedSqsUsed(n)) {
            int port = n.sqs().embeddedPort();
            CompletableFuture<EmbeddedSqs> booting = new CompletableFuture<>();
            Thread.ofPlatform().name("elasticmq-start").daemon().start(() -> {
                try {
                    booting.complete(EmbeddedSqs.start(port));
                } catch (RuntimeException | Error e) {
                    booting.completeExceptionally(e);
                }
            });
            embeddedSqs = booting;
        }
    }

    @Produces
    @Singleton
    Channels channels(NotificationsConfig n, Invocation invocation, InvoiceStreamsConfig service) {
        if (!n.enabled() || !sendsHere(n, invocation)) {
            return Channels.none();
        }
        Builder builder = new Builder(n, service.aws().endpointCredentials(), service.aws().callTimeout(),
                embeddedSqs);
        try {
            Map<String, MessageChannel> targets = Map.of(ALERTS, builder.channel(ALERTS, n.alerts()),
                    PAYMENTS, builder.channel(PAYMENTS, n.payments()));
            LOG.infof("Notifications: alerts to %s, payments to %s, each through the outbox",
                    targets.get(ALERTS).describe(), targets.get(PAYMENTS).describe());
            CompletableFuture<Void> ready = CompletableFuture.allOf(targets.values().stream()
                    .map(t -> t instanceof DeferredChannel d ? d.channel() : CompletableFuture.completedFuture(t))
                    .toArray(CompletableFuture[]::new));
            return new Channels(targets, builder, ready);
        } catch (RuntimeException e) {
            builder.close();
            throw e;
        }
    }

    void close(@Disposes Channels channels) {
        channels.close();
    }

    /**
     * The outbox and its sender, when this process sends (ADR 0025). The sender's lock has a pool of its own, as the
     * archive's flush lock does, so that a slow send never holds a connection the processors wait for.
     */
    public record Outbox(Optional<NotificationOutbox> outbox, Optional<OutboxSender> sender,
                         Optional<AgroalDataSource> lockPool) implements AutoCloseable {
        static Outbox none() {
            return new Outbox(Optional.empty(), Optional.empty(), Optional.empty());
        }

        @Override
        public void close() {
            sender.ifPresent(Closing::close);
            lockPool.ifPresent(Closing::close);
        }
    }

    @Produces
    @Singleton
    Outbox outbox(NotificationsConfig n, Channels channels, Instance<JdbcTransactions> transactions,
                  Instance<StoreDatabase> database, Clock clock) {
        if (!channels.sends()) {
            return Outbox.none();
        }
        var o = n.outbox();
        OutboxSender.Settings settings;
        try {
            settings = new OutboxSender.Settings(o.parallelism(), Duration.ofSeconds(1), o.maxBackoff(),
                    Duration.ofSeconds(1), o.keepSent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invoice.notifications.outbox: " + e.getMessage()
                    + " (max-backoff must be 1s or more)", e);
        }
        NotificationOutbox outbox = new NotificationOutbox(transactions.get(), clock);
        outbox.createSchema();
        StoreDatabase db = database.get();
        AgroalDataSource pool = db.pool(1);
        try {
            JdbcRowLock lock = new JdbcRowLock(transactions.get(), NotificationOutbox.LOCK, pool);
            lock.createSchema();
            return new Outbox(Optional.of(outbox),
                    Optional.of(new OutboxSender(outbox, channels.targets(), lock, clock, settings)), Optional.of(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    void close(@Disposes Outbox outbox) {
        outbox.close();
    }

    @Produces
    @Singleton
    ReadModelBinding readModel(NotificationsConfig config, Channels channels, Outbox outbox) {
        if (!config.enabled()) {
            return ReadModelBinding.off(ReadModels.NOTIFICATIONS.model());
        }
        if (!channels.sends()) {
            return ReadModelBinding.elsewhere(ReadModels.NOTIFICATIONS.model());
        }
        NotificationOutbox rows = outbox.outbox().orElseThrow();
        OutboxSender sender = outbox.sender().orElseThrow();
        ChannelNotifications notifications = new ChannelNotifications(
                rows.channel(ALERTS, channels.targets().get(ALERTS).describe()),
                rows.channel(PAYMENTS, channels.targets().get(PAYMENTS).describe()));
        return ReadModelBinding.of(ReadModels.NOTIFICATIONS.model(), new NotificationsProjection(notifications),
                new ReadModelBinding.Hooks() {
                    @Override
                    public void started(ProjectionControl control) {
                        channels.awaitReady(); // a queue that could not be made stops the start-up, as before
                        sender.start();
                    }

                    @Override
                    public void stopping() {
                        sender.close();
                    }

                    @Override
                    public Optional<String> partInThisNode() {
                        return channels.embeddedSqs().isPresent()
                                ? Optional.of("the embedded SQS (invoice.notifications.sqs.endpoint)")
                                : Optional.empty();
                    }
                });
    }

    /**
     * Whether this process runs the notifications processor. The service and the demo do. A rebuild never does: it
     * must not send anything. {@code dlq} does only when its channels are shared ones (SQS or SNS outside this JVM);
     * the embedded ElasticMQ lives in the running service, and a message sent to another process's copy would be
     * read by nobody.
     */
    private static boolean sendsHere(NotificationsConfig n, Invocation invocation) {
        if (invocation.mode() == Mode.SERVE) {
            return true;
        }
        boolean dlq = invocation.command() == Command.DLQ;
        if (dlq && !embeddedSqsUsed(n)) {
            return true;
        }
        LOG.infof("The notifications processor does not run in this command (%s)", dlq
                ? "the embedded SQS lives in the running service"
                : "a " + invocation.command().word() + " sends nothing");
        return false;
    }

    /** Whether a channel sends to the SQS this JVM runs (ElasticMQ). */
    private static boolean embeddedSqsUsed(NotificationsConfig n) {
        return n.sqs().endpoint().isEmpty() && n.sqs().embedded()
                && (n.payments().target() == ChannelTarget.SQS || n.alerts().target() == ChannelTarget.SQS);
    }

    /**
     * Builds the channels, starting each client once; a missing queue or topic stops the start-up. It keeps what it
     * started, for {@link Channels} to hand out and close. With the embedded ElasticMQ booting, the queues are made
     * on its thread, hence the locks.
     */
    private static final class Builder implements AutoCloseable {
        private final NotificationsConfig n;
        private final EndpointCredentials credentials;
        private final java.time.Duration callTimeout;
        private final Map<String, String> urls = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile SqsClient sqs;
        private volatile SnsClient sns;
        private volatile EmbeddedSqs embedded;

        /** ElasticMQ launched at start-up, or null: then it starts here, when a queue needs it. */
        private final CompletableFuture<EmbeddedSqs> booting;

        Builder(NotificationsConfig n, EndpointCredentials credentials, java.time.Duration callTimeout,
                CompletableFuture<EmbeddedSqs> booting) {
            this.n = n;
            this.credentials = credentials;
            this.callTimeout = callTimeout;
            this.booting = booting;
        }

        MessageChannel channel(String name, NotificationsConfig.Channel channel) {
            String key = "invoice.notifications." + name;
            return switch (channel.target()) {
                case SQS -> {
                    String queue = channel.queue().filter(q -> !q.isBlank()).orElseThrow(() ->
                            new IllegalArgumentException(key + ".target=sqs needs " + key + ".queue"));
                    if (booting != null && n.sqs().endpoint().isEmpty()) {
                        // Made on ElasticMQ's thread once it listens (or here, if it does already).
                        yield new DeferredChannel("SQS queue " + queue + " of the embedded ElasticMQ",
                                booting.thenApply(started -> queue(name, queue)));
                    }
                    yield queue(name, queue);
                }
                case SNS -> {
                    if (sns == null) {
                        sns = DynamoDbClients.configure(SnsClient.builder(), n.snsEndpoint(), n.region(), credentials,
                                callTimeout);
                    }
                    yield new SnsChannel(sns, channel.topicArn().filter(a -> !a.isBlank()).orElseThrow(() ->
                            new IllegalArgumentException(key + ".target=sns needs " + key + ".topic-arn")),
                            name.equals("alerts") ? "Zero value reported in InvoiceTransactions" : null);
                }
                case LOG -> {
                    if (name.equals("payments")) {
                        throw new IllegalArgumentException(key + ".target must be sqs or sns: a payment message in"
                                + " the log would start no payment");
                    }
                    yield new LogChannel(name);
                }
            };
        }

        private MessageChannel queue(String name, String queue) {
            SqsClient client = sqs();
            String url = n.sqs().createQueues() && !queue.startsWith("http")
                    ? SqsChannel.createQueue(client, queue) : SqsChannel.queueUrl(client, queue);
            urls.put(name, url);
            return new SqsChannel(client, url);
        }

        private synchronized SqsClient sqs() {
            if (sqs == null) {
                Optional<URI> endpoint = n.sqs().endpoint();
                EndpointCredentials keys = credentials;
                if (endpoint.isEmpty() && n.sqs().embedded()) {
                    embedded = booting == null ? EmbeddedSqs.start(n.sqs().embeddedPort()) : joined(booting);
                    endpoint = Optional.of(embedded.endpoint());
                    keys = EndpointCredentials.LOCAL;
                    LOG.infof("ElasticMQ (SQS) runs in this JVM at %s; its queues live in memory", endpoint.get());
                }
                sqs = DynamoDbClients.configure(SqsClient.builder(), endpoint, n.region(), keys, callTimeout);
            }
            return sqs;
        }

        @Override
        public void close() {
            if (sqs != null) {
                Closing.close(sqs);
            }
            if (sns != null) {
                Closing.close(sns);
            }
            if (embedded != null) {
                Closing.close(embedded);
            }
        }
    }
}
