package io.invoicestreams.app.source;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Where the table's changes are read from (ADR 0018). The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.source")
public interface SourceConfig {

    /** {@code dynamodb-streams} or {@code kinesis}. */
    enum SourceType { DYNAMODB_STREAMS, KINESIS }

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
