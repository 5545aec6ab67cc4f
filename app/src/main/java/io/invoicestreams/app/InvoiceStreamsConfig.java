package io.invoicestreams.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the service. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice")
public interface InvoiceStreamsConfig {

    /** Where the table's changes are read from; written in configuration as {@code dynamodb-streams} or {@code kinesis}. */
    enum SourceType { DYNAMODB_STREAMS, KINESIS }

    /** The search engine; {@code lucene} or {@code opensearch}. */
    enum SearchEngine { LUCENE, OPENSEARCH }

    /** Where a notification channel sends; {@code sqs}, {@code sns} or {@code log} (alerts only). */
    enum ChannelTarget { SQS, SNS, LOG }

    /** The DynamoDB table whose stream is followed. */
    @WithDefault("InvoiceTransactions")
    String table();

    /** Create the table (with a NEW_AND_OLD_IMAGES stream) when it does not exist. */
    @WithDefault("true")
    boolean createTable();

    /** ISO 4217 currency of amounts written without symbol or code, and of DynamoDB numbers. */
    @WithDefault("USD")
    String defaultCurrency();

    /** Where the service keeps its local files: the H2 event store and DynamoDB Local's database. */
    @WithDefault("data")
    String dataDir();

    DynamoDb dynamodb();

    Store store();

    Stream stream();

    Source source();

    Node node();

    Projections projections();

    Archive archive();

    Search search();

    Notifications notifications();

    interface Notifications {
        /** Run the notifications processing group (alerts and payment messages). */
        @WithDefault("true")
        boolean enabled();

        Sqs sqs();

        interface Sqs {
            /** Start ElasticMQ in the JVM as the SQS (the embedded default), unless an endpoint is given. */
            @WithDefault("true")
            boolean embedded();

            /** Port of the embedded ElasticMQ; 0 for a free one. */
            @WithDefault("9324")
            int embeddedPort();

            /** Endpoint of an SQS-compatible server. Empty: the embedded one, or AWS when embedded is off. */
            Optional<URI> endpoint();

            /** Create the queues when they do not exist (embedded and dev); in AWS they belong to the infrastructure. */
            @WithDefault("true")
            boolean createQueues();
        }

        /** Region of SQS and SNS. Empty: the default provider chain (us-east-1 with an endpoint). */
        Optional<String> region();

        /** Endpoint of an SNS-compatible server. Empty: AWS. */
        Optional<URI> snsEndpoint();

        Channel payments();

        Channel alerts();

        interface Channel {
            /** sqs, sns or log (log for alerts only). */
            @WithDefault("sqs")
            ChannelTarget target();

            /** The SQS queue: a name or a URL. A name ending in .fifo is a FIFO queue, deduplicated by event id. */
            Optional<String> queue();

            /** The SNS topic ARN, when the target is sns; an ARN ending in .fifo is deduplicated by event id. */
            Optional<String> topicArn();
        }
    }

    /** Who may call the HTTP API (ADR 0015). */
    Security security();

    interface Security {
        /** Check API keys. Off only in the demo profile: then every caller may use the admin endpoints. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Keys for the admin endpoints (rebuild, dead letters, parked records, verifiers), comma-separated
         * name:secret pairs with secrets of 16 characters or more. Give them as INVOICE_SECURITY_ADMIN_KEYS from a
         * secret store, never in a committed file. None: the admin endpoints refuse every request.
         */
        Optional<java.util.List<String>> adminKeys();

        /** Keys that may only read, as name:secret pairs; they matter when reads are protected. */
        Optional<java.util.List<String>> readKeys();

        /** Reads (invoices, search, analytics, projections) need a key too. */
        @WithDefault("false")
        boolean protectReads();
    }

    /** The dead-letter queues of every processing group. */
    DeadLetters deadLetters();

    /** The retry of parked (dead-lettered) events: capped exponential backoff. */
    interface DeadLetters {
        /** Wait after a parked event's first failure; doubled after each further one. */
        @WithDefault("5s")
        Duration initialBackoff();

        /** The longest wait between attempts. */
        @WithDefault("15m")
        Duration maxBackoff();

        /** How often the service looks for parked events whose wait is over. */
        @WithDefault("5s")
        Duration interval();
    }

    interface Search {
        /** lucene (in the JVM, the embedded default) or opensearch. */
        @WithDefault("lucene")
        SearchEngine engine();

        /** Folder of the Lucene index, the embedded default. Empty: {data-dir}/search. */
        java.util.Optional<String> luceneDir();

        OpenSearch opensearch();

        interface OpenSearch {
            /** The OpenSearch endpoint, such as https://search.example.com:443. */
            java.util.Optional<URI> endpoint();

            /** The read alias; indexes are {index}-000001 and so on, and a rebuild fills {index}-building. */
            @WithDefault("invoice-search")
            String index();
        }
    }

    interface DynamoDb {
        /** Endpoint override, for example http://127.0.0.1:8000. Empty: AWS, or the embedded DynamoDB Local. */
        Optional<URI> endpoint();

        /** AWS region. Empty: the default provider chain decides. */
        Optional<String> region();

        Local local();

        interface Local {
            /** Start DynamoDB Local as a child JVM and use it. */
            @WithDefault("true")
            boolean enabled();

            /** Port of the embedded DynamoDB Local, on 127.0.0.1; 0 picks a free port. */
            @WithDefault("8000")
            int port();

            /** Folder of DynamoDB Local's jars, laid out by the adapters/dynamodb-local module. */
            @WithDefault("adapters/dynamodb-local/target/dynamodb-local/lib")
            String lib();

            /** Keep DynamoDB Local's data in memory instead of under the data folder. */
            @WithDefault("false")
            boolean inMemory();
        }
    }

    interface Store {
        /** JDBC URL of the event store: jdbc:postgresql://… in production. Empty: an H2 file under the data folder. */
        Optional<String> url();

        /** Database user. */
        Optional<String> user();

        /** Database password; give it through the environment (INVOICE_STORE_PASSWORD), never a file in git. */
        Optional<String> password();

        /** Largest number of pooled connections. */
        @WithDefault("8")
        int poolSize();

        /** Invoice aggregates kept in memory, so a busy invoice is not re-sourced from the store for each batch. */
        @WithDefault("50000")
        int aggregateCacheSize();
    }

    interface Stream {
        /** Records per GetRecords call, 1 to 1000; one batch is one transaction. */
        @WithDefault("1000")
        int batchSize();

        /** First wait after a poll that found nothing. */
        @WithDefault("50ms")
        Duration minIdleBackoff();

        /** Longest wait between polls of an idle shard; bounds the delay from a change to its events. */
        @WithDefault("500ms")
        Duration maxIdleBackoff();

        /** Longest wait after a failing call or batch (capped exponential backoff with jitter). */
        @WithDefault("20s")
        Duration maxErrorBackoff();

        /** How often the shard list and the table's stream ARN are checked. */
        @WithDefault("5s")
        Duration shardRefreshInterval();

        /** Shards read at once by this instance. */
        @WithDefault("8")
        int maxShardWorkers();
    }

    /** Where the table's changes are read from (ADR 0018). */
    interface Source {
        /**
         * {@code dynamodb-streams}: the table's own stream (24 hours), read by this service's consumer.
         * {@code kinesis}: the Kinesis data stream the table streams to (up to a year), read through KCL 3.
         */
        @WithDefault("dynamodb-streams")
        SourceType type();

        Kinesis kinesis();

        interface Kinesis {
            /** The Kinesis data stream that the table's Kinesis streaming destination writes to. */
            Optional<String> streamName();

            /** The KCL application: the name of its lease table in DynamoDB, shared by every node. */
            @WithDefault("invoice-streams")
            String applicationName();

            /** Endpoint override, such as kinesalite's (run it with -Daws.cborEnabled=false). Empty: AWS. */
            Optional<URI> endpoint();

            /** AWS region of the stream. Empty: that of DynamoDB, or the default provider chain. */
            Optional<String> region();

            /** How long a silent node keeps its shard leases (KCL's failover time). */
            @WithDefault("10s")
            Duration failover();

            /** Wait between two GetRecords calls of a shard; at least 200 ms (KCL's minimum). */
            @WithDefault("1s")
            Duration idleBetweenReads();
        }
    }

    interface Node {
        /** This instance's name in shard and segment claims. Empty: host name and process id. */
        Optional<String> id();

        /** How long a silent instance keeps its claims before another takes them over. */
        @WithDefault("10s")
        Duration claimTimeout();
    }

    interface Projections {
        /** The totals read model's DynamoDB table. */
        @WithDefault("InvoiceTotal")
        String totalsTable();

        /** The country verification read model's DynamoDB table. */
        @WithDefault("InvoiceAction")
        String countryVerificationTable();

        /** Create the read models' tables when they do not exist. */
        @WithDefault("true")
        boolean createTables();

        /** Events per processor batch; the totals are written once per invoice per batch. */
        @WithDefault("500")
        int batchSize();

        /** Segments of each processor: how many threads, on one node or several, share a read model. */
        @WithDefault("4")
        int segments();

        /** How often a processor looks for segments that nobody processes. */
        @WithDefault("1s")
        Duration claimInterval();

        /** Write totals once per invoice per batch (true), or once per event (false: the slow baseline). */
        @WithDefault("true")
        boolean coalesceTotals();

        /** Invoices of one batch whose totals are written at once. */
        @WithDefault("8")
        int totalsWriteConcurrency();
    }

    interface Archive {
        /** Key prefix of the archive's objects; hour folders follow it: {prefix}YYYY/MM/DD/HH/. */
        @WithDefault("Invoice/")
        String prefix();

        /** Folder of the local archive, the embedded default. Empty: {data-dir}/archive. */
        java.util.Optional<String> localDir();

        S3 s3();

        interface S3 {
            /** Bucket of the archive on S3. Empty: the local folder. */
            java.util.Optional<String> bucket();

            /** Endpoint of an S3-compatible store (s3proxy, MinIO). Empty: AWS. */
            java.util.Optional<URI> endpoint();

            /** Region. Empty: the default provider chain (us-east-1 with an endpoint). */
            java.util.Optional<String> region();

            /** Path-style requests, which S3-compatible stores need. */
            @WithDefault("false")
            boolean pathStyle();
        }

        Retention retention();

        /** The retention that archive lifecycle applies to the bucket, in days from an object's creation. */
        interface Retention {
            /** Days before an object moves to STANDARD_IA; 30 or more. */
            @WithDefault("30")
            int infrequentAccessDays();

            /** Days before an object moves to GLACIER; at least 30 after infrequent access. */
            @WithDefault("90")
            int glacierDays();

            /** Days before an object is deleted: seven years. */
            @WithDefault("2557")
            int expireDays();
        }

        Buffer buffer();

        interface Buffer {
            /** Flush when the spooled lines reach this many MiB; also the largest object. 1 to 128. */
            @WithDefault("5")
            int size();

            /** Flush when the oldest spooled line has waited this long. 60s to 900s (see allow-short-interval). */
            @WithDefault("300s")
            Duration interval();

            /** Accept an interval under 60 s: for the dev and test profiles only. */
            @WithDefault("false")
            boolean allowShortInterval();
        }
    }
}
