package io.invoicestreams.app;

import io.agroal.api.AgroalDataSource;
import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import io.invoicestreams.adapters.archive.ArchiveFlusher;
import io.invoicestreams.adapters.archive.JdbcArchiveSpool;
import io.invoicestreams.adapters.archive.LocalDirectoryArchive;
import io.invoicestreams.adapters.archive.ArchiveLifecycle;
import io.invoicestreams.adapters.archive.LocalArchiveLifecycle;
import io.invoicestreams.adapters.archive.S3Archive;
import io.invoicestreams.adapters.archive.S3ArchiveLifecycle;
import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.notifications.ChannelNotifications;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.notifications.LogChannel;
import io.invoicestreams.adapters.notifications.MessageChannel;
import io.invoicestreams.adapters.notifications.SnsChannel;
import io.invoicestreams.adapters.notifications.SqsChannel;
import io.invoicestreams.projections.notifications.NotificationsProjection;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import io.invoicestreams.adapters.search.LuceneSearchIndex;
import io.invoicestreams.adapters.search.OpenSearchSearchIndex;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchProjection;
import io.invoicestreams.adapters.archive.S3ArchiveCache;
import io.invoicestreams.projections.audit.AuditArchive;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.projections.audit.AuditArchiveProjection;
import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsQueries;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.ProjectionProcessors;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.totals.TotalsProjection;
import io.quarkus.runtime.annotations.CommandLineArguments;
import java.util.List;
import io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer;
import io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer;
import io.invoicestreams.adapters.dynamodb.InvoiceTransactionsTable;
import io.invoicestreams.adapters.dynamodb.StreamIngestion;
import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Currency;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Starts the parts in order on Quarkus start-up (DynamoDB Local when embedded, the table, the event store, the
 * stream consumer) and stops them in reverse on shutdown. Nothing below the app reads configuration: values go
 * into constructors here.
 */
@Singleton
public class StreamRuntime {

    private static final Logger LOG = Logger.getLogger(StreamRuntime.class);

    private final InvoiceStreamsConfig config;
    private final MeterRegistry registry;
    private final boolean followStream;
    private final String command;
    private final boolean offline;

    private DynamoDbLocalServer dynamoDbLocal;
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient streams;
    private AgroalDataSource dataSource;
    private AgroalDataSource flushLockSource;
    private InvoiceEventStore store;
    private DynamoDbStreamConsumer consumer;
    private InvoiceTransactionsTable table;
    private DynamoDbTotalsStore totals;
    private DynamoDbCountryVerificationStore countryVerification;
    private ProjectionControl projections;
    private JdbcArchiveSpool archiveSpool;
    private ArchiveAnalytics analytics;
    private ArchiveLifecycle archiveLifecycle;
    private SearchIndex searchIndex;
    private software.amazon.awssdk.services.s3.S3Client archiveS3;
    private ArchiveFlusher archiveFlusher;
    private java.util.concurrent.ScheduledExecutorService archiveTimer;
    private EmbeddedSqs embeddedSqs;
    private SqsClient sqs;
    private SnsClient sns;
    private ChannelNotifications notifications;
    private final java.util.Map<String, String> queueUrls = new java.util.LinkedHashMap<>();
    private DeadLetters.Queues deadLetters;
    private java.util.concurrent.ScheduledExecutorService deadLetterTimer;
    private io.invoicestreams.adapters.eventstore.FairShare fairShare;
    private Metrics metrics;
    private io.invoicestreams.adapters.kinesis.KinesisStreamSource kinesisSource;

    /** @param args the command line; {@code rebuild} runs the read models without following the stream */
    StreamRuntime(InvoiceStreamsConfig config, MeterRegistry registry, @CommandLineArguments String[] args) {
        this.config = config;
        this.registry = registry;
        this.followStream = args.length == 0 || !(args[0].equals(RebuildCommand.NAME) || args[0].equals(DlqCommand.NAME)
                || args[0].equals(BootstrapCommand.NAME));
        this.command = args.length == 0 ? "serve" : args[0];
        this.offline = args.length > 0 && (args[0].equals(QueryCommand.QUERY) || args[0].equals(QueryCommand.REPORT)
                || args[0].equals(ArchiveCommand.NAME));
    }

    void onStart(@Observes StartupEvent event) {
        ArchiveFlusher.Settings archiveSettings = archiveSettings(config.archive());
        Path data = Path.of(config.dataDir());
        Path archiveFolder = config.archive().localDir().filter(d -> !d.isBlank()).map(Path::of)
                .orElse(data.resolve("archive"));
        var s3 = config.archive().s3();
        if (s3.bucket().filter(b -> !b.isBlank()).isPresent()) {
            archiveS3 = S3Archive.client(s3.endpoint(), s3.region(), s3.pathStyle());
            analytics = new ArchiveAnalytics(new S3ArchiveCache(archiveS3, s3.bucket().get(), archiveSettings.prefix(),
                    data.resolve("archive-cache")));
            archiveLifecycle = new S3ArchiveLifecycle(archiveS3, s3.bucket().get(), archiveSettings.prefix());
        } else {
            analytics = new ArchiveAnalytics(archiveFolder, archiveSettings.prefix());
            archiveLifecycle = new LocalArchiveLifecycle(archiveFolder, archiveSettings.prefix(), Clock.systemUTC());
        }
        if (offline) {
            return; // query, report and archive read the archive only
        }
        Clock clock = Clock.systemUTC();
        Currency currency = currency(config.defaultCurrency());
        DynamoDbClients clients = dynamoDbClients(data);
        dynamoDb = clients.dynamoDb();
        streams = clients.streams();
        table = new InvoiceTransactionsTable(dynamoDb, config.table());
        if (config.createTable()) {
            table.createIfMissing(Duration.ofSeconds(60));
        }
        String url = config.store().url().filter(u -> !u.isBlank())
                .orElseGet(() -> EventStoreDatabase.h2FileUrl(data));
        String user = config.store().user().orElse(url.startsWith("jdbc:h2") ? "sa" : null);
        String password = config.store().password().orElse("");
        dataSource = EventStoreDatabase.pool(url, user, password, config.store().poolSize());
        Metrics metrics = new Metrics(registry);
        this.metrics = metrics;
        var p = config.projections();
        totals = new DynamoDbTotalsStore(dynamoDb, p.totalsTable(), currency, p.totalsWriteConcurrency());
        countryVerification = new DynamoDbCountryVerificationStore(dynamoDb, p.countryVerificationTable());
        if (p.createTables()) {
            totals.createTableIfMissing(Duration.ofSeconds(60));
            countryVerification.createTableIfMissing(Duration.ofSeconds(60));
        }
        searchIndex = searchIndex(config.search(), data);
        if (config.notifications().enabled() && sendsNotificationsHere(config.notifications())) {
            notifications = notifications(config.notifications());
            LOG.infof("Notifications: %s", notifications.describe());
        }
        JdbcTransactions transactions = new JdbcTransactions(dataSource);
        // The archive flush lock holds its connection for a whole flush: one of its own, outside the shared pool,
        // which a loaded node otherwise ran out of (ADR 0008).
        flushLockSource = EventStoreDatabase.pool(url, user, password, 1);
        archiveSpool = new JdbcArchiveSpool(transactions, clock, flushLockSource);
        store = onStoreDatabase(url, () -> {
            archiveSpool.createSchema(); // before the archive processor starts with the store
            return startStore(transactions, p, metrics, clock);
        });
        projections = new ProjectionControl(store);
        var retry = config.deadLetters();
        List<String> groups = new java.util.ArrayList<>(List.of(TotalsProjection.NAME,
                CountryVerificationProjection.NAME, AuditArchiveProjection.NAME, SearchProjection.NAME));
        if (config.notifications().enabled()) {
            groups.add(NotificationsProjection.NAME);
        }
        deadLetters = new DeadLetters.Queues(store, groups, clock,
                new DeadLetters.Backoff(retry.initialBackoff(), retry.maxBackoff()));
        metrics.deadLetters(deadLetters);
        if (followStream) {
            deadLetterTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("dead-letter-retry").factory());
            deadLetterTimer.scheduleWithFixedDelay(this::retryDueDeadLetters, retry.interval().toMillis(),
                    retry.interval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        if (searchIndex.rebuilding()) {
            LOG.infof("A rebuild of the search index was under way; it goes on, and the new index is swapped in when it"
                    + " has caught up");
            swapSearchIndexWhenCaughtUp();
        }
        AuditArchive archive = archiveS3 != null ? new S3Archive(archiveS3, s3.bucket().get())
                : new LocalDirectoryArchive(archiveFolder);
        archiveFlusher = new ArchiveFlusher(archiveSpool, archive, archiveSettings, clock, Duration.ofSeconds(1));
        archiveTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("archive-flusher").factory());
        archiveTimer.scheduleWithFixedDelay(this::flushArchiveIfDue, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        LOG.infof("Archiving every event to %s, prefix %s, buffer %d MiB or %s", archive.location(),
                archiveSettings.prefix(), config.archive().buffer().size(), archiveSettings.interval());
        if (!followStream) {
            LOG.infof("Not following the stream: this process runs the %s command", command);
            return;
        }
        if (config.source().type().equals("kinesis")) {
            startKinesisSource(clients, currency, metrics, clock, url);
            return;
        }
        if (!config.source().type().equals("dynamodb-streams")) {
            throw new IllegalArgumentException("invoice.source.type must be dynamodb-streams or kinesis, was '"
                    + config.source().type() + "'");
        }
        var s = config.stream();
        consumer = StreamIngestion.consumer(store, dynamoDb, streams, config.table(), currency, metrics,
                new DynamoDbStreamConsumer.Settings(s.batchSize(), s.minIdleBackoff(), s.maxIdleBackoff(),
                        s.maxErrorBackoff(), s.shardRefreshInterval(), s.maxShardWorkers(),
                        config.node().claimTimeout().dividedBy(4)),
                clock);
        // Nodes on one store split the segments and shards between them (ADR 0016).
        fairShare = new io.invoicestreams.adapters.eventstore.FairShare(store,
                config.node().claimTimeout().dividedBy(4), config.node().claimTimeout());
        consumer.shareShards(fairShare::share);
        warnOfPartsInThisNode(url);
        consumer.start();
        LOG.infof("Following the stream of table %s into the event store at %s", config.table(), redact(url));
    }

    /**
     * The Kinesis Data Streams source (ADR 0018). KCL's lease table spreads the shards over the nodes, so only the
     * processing groups' segments go through {@code FairShare}; KCL's tables live in the table's DynamoDB.
     */
    private void startKinesisSource(DynamoDbClients clients, Currency currency, Metrics metrics, Clock clock,
                                    String url) {
        var k = config.source().kinesis();
        String streamName = k.streamName().filter(n -> !n.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "invoice.source.type=kinesis needs invoice.source.kinesis.stream-name"));
        kinesisSource = StreamIngestion.kinesis(store, dynamoDb, config.table(), currency, metrics,
                new io.invoicestreams.adapters.kinesis.KinesisStreamSource.Settings(streamName, k.applicationName(),
                        nodeId(), k.endpoint(), clients.endpoint(), k.region().or(() -> clients.region()),
                        k.failover(), k.idleBetweenReads(), config.stream().maxErrorBackoff()),
                clock);
        fairShare = new io.invoicestreams.adapters.eventstore.FairShare(store,
                config.node().claimTimeout().dividedBy(4), config.node().claimTimeout());
        warnOfPartsInThisNode(url);
        kinesisSource.start();
        LOG.infof("Following Kinesis stream %s (table %s) into the event store at %s", streamName, config.table(),
                redact(url));
    }

    /** {@code dynamodb-streams} or {@code kinesis}. */
    public String sourceType() {
        return config.source().type();
    }

    /** How the source reads now, for readiness: the DynamoDB stream consumer's, or the Kinesis source's. */
    public Optional<io.invoicestreams.adapters.dynamodb.DynamoDbStreamConsumer.Status> sourceStatus() {
        if (kinesisSource != null) {
            return Optional.of(kinesisSource.status());
        }
        return Optional.ofNullable(consumer).map(DynamoDbStreamConsumer::status);
    }

    /**
     * Nodes on one PostgreSQL store split every group's segments; a part that lives inside one node then holds only
     * that node's share. Said once at start-up, because a single node on PostgreSQL is a valid set-up too.
     */
    private void warnOfPartsInThisNode(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return;
        }
        List<String> local = new java.util.ArrayList<>();
        if (config.search().engine().equals("lucene")) {
            local.add("the Lucene search index (invoice.search.engine=opensearch)");
        }
        if (archiveS3 == null) {
            local.add("the archive folder (invoice.archive.s3.bucket)");
        }
        if (embeddedSqs != null) {
            local.add("the embedded SQS (invoice.notifications.sqs.endpoint)");
        }
        if (!local.isEmpty()) {
            LOG.warnf("These parts live in this node: %s. Run one node, or configure the shared parts in brackets"
                    + " before adding nodes: nodes on one store split the work between them.", String.join(", ", local));
        }
    }

    /** Runs the first use of the event store's database, turning H2's file lock into a message a person can act on. */
    private static <T> T onStoreDatabase(String url, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (String.valueOf(cause.getMessage()).contains("Database may be already in use")) {
                    throw new IllegalStateException("the H2 event store at " + redact(url) + " is open in a running"
                            + " instance of the service: stop it first, or use its HTTP API (for a rebuild: POST"
                            + " /admin/projections/NAME/rebuild)", e);
                }
            }
            throw e;
        }
    }

    private InvoiceEventStore startStore(JdbcTransactions transactions, InvoiceStreamsConfig.Projections p,
                                         Metrics metrics, Clock clock) {
        // Every group parks an event that fails on its own in its dead-letter queue (ADR 0014).
        List<ProjectionProcessors.Projection> all = new java.util.ArrayList<>(List.of(
                new ProjectionProcessors.Projection(TotalsProjection.NAME,
                        new TotalsProjection(totals, p.coalesceTotals()), false, true),
                new ProjectionProcessors.Projection(CountryVerificationProjection.NAME,
                        new CountryVerificationProjection(countryVerification, metrics), false, true),
                new ProjectionProcessors.Projection(AuditArchiveProjection.NAME,
                        new AuditArchiveProjection(archiveSpool), true, true),
                new ProjectionProcessors.Projection(SearchProjection.NAME, new SearchProjection(searchIndex), false,
                        true)));
        if (notifications != null) {
            // Axon's default first token: the history already stored is a replay, which these handlers skip, so
            // introducing notifications into a running installation sends nothing for old invoices (ADR 0013).
            all.add(new ProjectionProcessors.Projection(NotificationsProjection.NAME,
                    new NotificationsProjection(notifications), false, true));
        }
        return InvoiceEventStore.start(transactions, nodeId(), config.node().claimTimeout(),
                clock, config.store().aggregateCacheSize(), ProjectionProcessors.register(all,
                        new ProjectionProcessors.Settings(p.batchSize(), p.segments(), p.claimInterval()),
                        transactions));
    }

    /**
     * Whether this process runs the notifications processor. The service and the demo do. A rebuild never does: it
     * must not send anything. {@code dlq} does only when its channels are shared ones (SQS or SNS outside this JVM);
     * the embedded ElasticMQ lives in the running service, and a message sent to another process's copy would be
     * read by nobody.
     */
    private boolean sendsNotificationsHere(InvoiceStreamsConfig.Notifications n) {
        if (followStream) {
            return true;
        }
        boolean embedded = n.sqs().endpoint().isEmpty() && n.sqs().embedded()
                && (n.payments().target().equals("sqs") || n.alerts().target().equals("sqs"));
        if (command.equals(DlqCommand.NAME) && !embedded) {
            return true;
        }
        LOG.infof("The notifications processor does not run in this command (%s)", command.equals(DlqCommand.NAME)
                ? "the embedded SQS lives in the running service" : "a " + command + " sends nothing");
        return false;
    }

    /** The notification channels of the configuration; a missing queue or topic stops the start-up. */
    private ChannelNotifications notifications(InvoiceStreamsConfig.Notifications n) {
        return new ChannelNotifications(channel("alerts", n.alerts(), n), channel("payments", n.payments(), n));
    }

    private MessageChannel channel(String name, InvoiceStreamsConfig.Notifications.Channel channel,
                                   InvoiceStreamsConfig.Notifications n) {
        String key = "invoice.notifications." + name;
        return switch (channel.target()) {
            case "sqs" -> {
                String queue = channel.queue().filter(q -> !q.isBlank()).orElseThrow(() ->
                        new IllegalArgumentException(key + ".target=sqs needs " + key + ".queue"));
                SqsClient client = sqs(n);
                String url = n.sqs().createQueues() && !queue.startsWith("http")
                        ? SqsChannel.createQueue(client, queue) : SqsChannel.queueUrl(client, queue);
                queueUrls.put(name, url);
                yield new SqsChannel(client, url);
            }
            case "sns" -> {
                if (sns == null) {
                    sns = DynamoDbClients.configure(SnsClient.builder(), n.snsEndpoint(), n.region());
                }
                yield new SnsChannel(sns, channel.topicArn().filter(a -> !a.isBlank()).orElseThrow(() ->
                        new IllegalArgumentException(key + ".target=sns needs " + key + ".topic-arn")),
                        name.equals("alerts") ? "Zero value reported in InvoiceTransactions" : null);
            }
            case "log" -> {
                if (name.equals("payments")) {
                    throw new IllegalArgumentException(key + ".target must be sqs or sns: a payment message in the"
                            + " log would start no payment");
                }
                yield new LogChannel(name);
            }
            default -> throw new IllegalArgumentException(key + ".target must be sqs, sns or log, was '"
                    + channel.target() + "'");
        };
    }

    private SqsClient sqs(InvoiceStreamsConfig.Notifications n) {
        if (sqs == null) {
            Optional<java.net.URI> endpoint = n.sqs().endpoint();
            if (endpoint.isEmpty() && n.sqs().embedded()) {
                embeddedSqs = EmbeddedSqs.start(n.sqs().embeddedPort());
                endpoint = Optional.of(embeddedSqs.endpoint());
                LOG.infof("ElasticMQ (SQS) runs in this JVM at %s; its queues live in memory", endpoint.get());
            }
            sqs = DynamoDbClients.configure(SqsClient.builder(), endpoint, n.region());
        }
        return sqs;
    }

    private void retryDueDeadLetters() {
        for (String group : deadLetters.groups()) {
            try {
                deadLetters.retryDue(group);
            } catch (RuntimeException e) {
                LOG.warnf("Retrying the parked events of %s failed; tried again later: %s", group, e.toString());
            }
        }
    }

    /** The search engine of the configuration; an unknown one, or OpenSearch without an endpoint, stops the start-up. */
    static SearchIndex searchIndex(InvoiceStreamsConfig.Search search, Path data) {
        return switch (search.engine()) {
            case "lucene" -> new LuceneSearchIndex(search.luceneDir().filter(d -> !d.isBlank()).map(Path::of)
                    .orElse(data.resolve("search")));
            case "opensearch" -> new OpenSearchSearchIndex(search.opensearch().endpoint().orElseThrow(() ->
                    new IllegalArgumentException("invoice.search.engine=opensearch needs"
                            + " invoice.search.opensearch.endpoint")), search.opensearch().index());
            default -> throw new IllegalArgumentException("invoice.search.engine must be lucene or opensearch, was '"
                    + search.engine() + "'");
        };
    }

    /** Checks the archive range rules of the configuration; a value outside them stops the start-up. */
    static ArchiveFlusher.Settings archiveSettings(InvoiceStreamsConfig.Archive archive) {
        var buffer = archive.buffer();
        if (buffer.size() < 1 || buffer.size() > 128) {
            throw new IllegalArgumentException("invoice.archive.buffer.size must be 1 to 128 (MiB), was " + buffer.size());
        }
        Duration interval = buffer.interval();
        boolean inRange = interval.compareTo(Duration.ofSeconds(60)) >= 0 && interval.compareTo(Duration.ofSeconds(900)) <= 0;
        if (!inRange && !(buffer.allowShortInterval() && interval.isPositive() && interval.getSeconds() < 60)) {
            throw new IllegalArgumentException("invoice.archive.buffer.interval must be 60s to 900s, was "
                    + interval.getSeconds() + "s (shorter intervals need invoice.archive.buffer.allow-short-interval,"
                    + " for dev and tests only)");
        }
        if (archive.prefix().startsWith("/") || (!archive.prefix().isEmpty() && !archive.prefix().endsWith("/"))) {
            throw new IllegalArgumentException("invoice.archive.prefix must be relative and end with '/', was '"
                    + archive.prefix() + "'");
        }
        return new ArchiveFlusher.Settings(archive.prefix(), buffer.size() * 1024L * 1024L, interval);
    }

    private void flushArchiveIfDue() {
        try {
            archiveFlusher.flushIfDue();
        } catch (RuntimeException e) {
            LOG.warnf("Flushing the archive failed; its lines stay in the spool and are tried again: %s", e.toString());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        close(consumer);
        close(kinesisSource);
        if (archiveTimer != null) {
            archiveTimer.shutdownNow();
        }
        if (deadLetterTimer != null) {
            deadLetterTimer.shutdownNow();
        }
        close(fairShare);
        close(store);
        close(sqs);
        close(sns);
        close(embeddedSqs);
        close(searchIndex instanceof AutoCloseable c ? c : null);
        close(totals);
        close(flushLockSource);
        close(dataSource);
        close(streams);
        close(dynamoDb);
        close(dynamoDbLocal);
        close(archiveS3);
    }

    private DynamoDbClients dynamoDbClients(Path data) {
        var d = config.dynamodb();
        if (d.endpoint().isPresent()) {
            return new DynamoDbClients(d.endpoint(), d.region().or(() -> Optional.of("us-east-1")));
        }
        if (!d.local().enabled()) {
            return new DynamoDbClients(Optional.empty(), d.region());
        }
        try {
            int port = d.local().port() == 0 ? freePort() : d.local().port();
            dynamoDbLocal = DynamoDbLocalServer.start(Path.of(d.local().lib()), port,
                    d.local().inMemory() ? null : data.resolve("dynamodb"), data.resolve("dynamodb-local.log"),
                    Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start DynamoDB Local: " + e.getMessage(), e);
        }
        return DynamoDbClients.local(dynamoDbLocal.endpoint());
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String nodeId() {
        return config.node().id().filter(id -> !id.isBlank()).orElseGet(() -> {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid();
        });
    }

    private static Currency currency(String code) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invoice.default-currency '" + code + "' is not an ISO 4217 code");
        }
    }

    /** A JDBC URL without its password parameter, for logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static void close(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warnf("Closing %s failed: %s", closeable.getClass().getSimpleName(), e.toString());
        }
    }

    public InvoiceEventStore store() {
        return store;
    }

    public DynamoDbStreamConsumer consumer() {
        return consumer;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public InvoiceTransactionsTable table() {
        return table;
    }

    public DynamoDbTotalsStore totals() {
        return totals;
    }

    public DynamoDbCountryVerificationStore countryVerification() {
        return countryVerification;
    }

    public InvoiceTransactionsQueries queries() {
        return new InvoiceTransactionsQueries(dynamoDb, config.table());
    }

    public ArchiveAnalytics analytics() {
        return analytics;
    }

    public SearchIndex search() {
        return searchIndex;
    }

    /**
     * Starts the rebuild of a read model on this node. The search index is rebuilt into a new index beside the
     * current one, which is swapped in once the replay has caught up (see {@link #completeRebuild}).
     *
     * @throws ProjectionControl.RebuildRefused when another node holds its segments, or it does not replay
     */
    public void startRebuild(String name) {
        projections.startRebuild(name);
        if (name.equals(SearchProjection.NAME)) {
            swapSearchIndexWhenCaughtUp();
        }
    }

    /** Ends a rebuild that has caught up: for the search index, the swap; nothing for the others. Idempotent. */
    public void completeRebuild(String name) {
        if (name.equals(SearchProjection.NAME) && searchIndex.rebuilding()) {
            searchIndex.completeRebuild();
            LOG.infof("The rebuilt search index is now the one searches read");
        }
    }

    private void swapSearchIndexWhenCaughtUp() {
        Thread.ofVirtual().name("search-rebuild-swap").start(() -> {
            if (projections.awaitCaughtUp(SearchProjection.NAME, Duration.ofDays(7), Duration.ofSeconds(1), p -> { })) {
                completeRebuild(SearchProjection.NAME);
            }
        });
    }

    /** The {@code bootstrap} of the table into this store (ADR 0017). */
    public io.invoicestreams.adapters.dynamodb.TableBootstrap bootstrap(int pageSize) {
        return StreamIngestion.bootstrap(store, dynamoDb, streams, config.table(), currency(config.defaultCurrency()),
                metrics, new io.invoicestreams.adapters.dynamodb.TableBootstrap.Settings(pageSize,
                        Duration.ofMinutes(2)), Clock.systemUTC());
    }

    /** The dead-letter queues of the processing groups that have one. */
    public DeadLetters.Queues deadLetters() {
        return deadLetters;
    }

    /** The SQS client of the notifications, when a channel is a queue; null otherwise. */
    public SqsClient sqs() {
        return sqs;
    }

    /** The URL of the queue of a notification channel (alerts, payments), when it is a queue. */
    public Optional<String> queueUrl(String channel) {
        return Optional.ofNullable(queueUrls.get(channel));
    }

    public ArchiveLifecycle archiveLifecycle() {
        return archiveLifecycle;
    }

    public ArchiveFlusher archiveFlusher() {
        return archiveFlusher;
    }

    public ProjectionControl projections() {
        return projections;
    }

    /** True when this process follows the stream (serve, demo); false for a rebuild. */
    public boolean followsStream() {
        return followStream;
    }
}
