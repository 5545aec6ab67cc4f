package io.invoicestreams.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Every setting of the service. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice")
public interface InvoiceStreamsConfig {

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

    Aws aws();

    /** What every AWS SDK client of the service shares. */
    interface Aws {
        /**
         * The credentials at an endpoint given in the configuration (DynamoDB, S3, SQS, SNS, Kinesis): the SDK's
         * default provider chain, or {@code local} keys for an emulator that checks none. The parts the service
         * starts itself always use local keys.
         */
        @WithDefault("default-chain")
        io.invoicestreams.adapters.aws.EndpointCredentials endpointCredentials();

        /**
         * The longest one call to DynamoDB, DynamoDB Streams, SQS or SNS may take, its retries included; each attempt
         * gives up after half of it. A stream poll that fails this way makes the service not ready.
         */
        @WithDefault("60s")
        java.time.Duration callTimeout();
    }

    Store store();

    Node node();

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

            /**
             * Folder of DynamoDB Local's jars. By default the one the build lays out next to the application
             * ({@code quarkus-app/dynamodb-local/lib}), so that {@code java -jar} runs from any folder; else
             * {@code adapters/dynamodb-local/target/dynamodb-local/lib} under the working folder.
             */
            Optional<String> lib();

            /** Keep DynamoDB Local's data in memory instead of under the data folder. */
            @WithDefault("false")
            boolean inMemory();

            /**
             * Options of DynamoDB Local's JVM, split at spaces. By default its heap is capped and it compiles with C1
             * only and collects with one thread: it then boots on half the CPU, while the service boots beside it
             * (ADR 0033). The AOT cache the build trained for it is added unless an option begins with -XX:AOT.
             */
            @WithDefault(io.invoicestreams.adapters.dynamodb.DynamoDbLocalServer.DEFAULT_JVM_OPTIONS)
            String jvmOptions();
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

        /**
         * On PostgreSQL, how long a log-in or a statement may wait for the server before it fails and its connection
         * is dropped. Longer than any statement the service runs; the readiness check waits 2 s at most.
         */
        @WithDefault("60s")
        java.time.Duration callTimeout();

        /** Invoice aggregates kept in memory, so a busy invoice is not re-sourced from the store for each batch. */
        @WithDefault("50000")
        int aggregateCacheSize();
    }

    interface Node {
        /** This instance's name in shard and segment claims. Empty: host name and process id. */
        Optional<String> id();

        /** How long a silent instance keeps its claims before another takes them over. */
        @WithDefault("10s")
        Duration claimTimeout();
    }
}
