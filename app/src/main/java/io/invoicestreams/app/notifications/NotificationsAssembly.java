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
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
     * The channels of this process, when it sends.
     *
     * @param targets   where each channel (alerts, payments) sends; empty when this process sends nothing
     * @param sqs       the SQS client, when a channel is a queue
     * @param queueUrls the queue URL of each channel that is a queue (alerts, payments)
     */
    public record Channels(Map<String, MessageChannel> targets, Optional<SqsClient> sqs,
                           Optional<SnsClient> sns, Optional<EmbeddedSqs> embeddedSqs, Map<String, String> queueUrls)
            implements AutoCloseable {

        static Channels none() {
            return new Channels(Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        }

        /** True when this process sends notifications. */
        public boolean sends() {
            return !targets.isEmpty();
        }

        public Optional<String> queueUrl(String channel) {
            return Optional.ofNullable(queueUrls.get(channel));
        }

        @Override
        public void close() {
            sqs.ifPresent(Closing::close);
            sns.ifPresent(Closing::close);
            embeddedSqs.ifPresent(Closing::close);
        }
    }

    @Produces
    @Singleton
    Channels channels(NotificationsConfig n, Invocation invocation, InvoiceStreamsConfig service) {
        if (!n.enabled() || !sendsHere(n, invocation)) {
            return Channels.none();
        }
        Builder builder = new Builder(n, service.aws().endpointCredentials(), service.aws().callTimeout());
        try {
            Map<String, MessageChannel> targets = Map.of(ALERTS, builder.channel(ALERTS, n.alerts()),
                    PAYMENTS, builder.channel(PAYMENTS, n.payments()));
            LOG.infof("Notifications: alerts to %s, payments to %s, each through the outbox",
                    targets.get(ALERTS).describe(), targets.get(PAYMENTS).describe());
            return new Channels(targets, Optional.ofNullable(builder.sqs),
                    Optional.ofNullable(builder.sns), Optional.ofNullable(builder.embedded), Map.copyOf(builder.urls));
        } catch (RuntimeException e) {
            new Channels(Map.of(), Optional.ofNullable(builder.sqs), Optional.ofNullable(builder.sns),
                    Optional.ofNullable(builder.embedded), Map.of()).close();
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
        boolean embedded = n.sqs().endpoint().isEmpty() && n.sqs().embedded()
                && (n.payments().target() == ChannelTarget.SQS || n.alerts().target() == ChannelTarget.SQS);
        if (dlq && !embedded) {
            return true;
        }
        LOG.infof("The notifications processor does not run in this command (%s)", dlq
                ? "the embedded SQS lives in the running service"
                : "a " + invocation.command().word() + " sends nothing");
        return false;
    }

    /** Builds the channels, starting each client once; a missing queue or topic stops the start-up. */
    private static final class Builder {
        private final NotificationsConfig n;
        private final EndpointCredentials credentials;
        private final java.time.Duration callTimeout;
        private final Map<String, String> urls = new LinkedHashMap<>();
        private SqsClient sqs;
        private SnsClient sns;
        private EmbeddedSqs embedded;

        Builder(NotificationsConfig n, EndpointCredentials credentials, java.time.Duration callTimeout) {
            this.n = n;
            this.credentials = credentials;
            this.callTimeout = callTimeout;
        }

        MessageChannel channel(String name, NotificationsConfig.Channel channel) {
            String key = "invoice.notifications." + name;
            return switch (channel.target()) {
                case SQS -> {
                    String queue = channel.queue().filter(q -> !q.isBlank()).orElseThrow(() ->
                            new IllegalArgumentException(key + ".target=sqs needs " + key + ".queue"));
                    SqsClient client = sqs();
                    String url = n.sqs().createQueues() && !queue.startsWith("http")
                            ? SqsChannel.createQueue(client, queue) : SqsChannel.queueUrl(client, queue);
                    urls.put(name, url);
                    yield new SqsChannel(client, url);
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

        private SqsClient sqs() {
            if (sqs == null) {
                Optional<URI> endpoint = n.sqs().endpoint();
                EndpointCredentials keys = credentials;
                if (endpoint.isEmpty() && n.sqs().embedded()) {
                    embedded = EmbeddedSqs.start(n.sqs().embeddedPort());
                    endpoint = Optional.of(embedded.endpoint());
                    keys = EndpointCredentials.LOCAL;
                    LOG.infof("ElasticMQ (SQS) runs in this JVM at %s; its queues live in memory", endpoint.get());
                }
                sqs = DynamoDbClients.configure(SqsClient.builder(), endpoint, n.region(), keys, callTimeout);
            }
            return sqs;
        }
    }
}
