package io.invoicestreams.app.notifications;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** The notifications: alerts and payment messages, and their channels. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.notifications")
public interface NotificationsConfig {

    /** Where a notification channel sends; {@code sqs}, {@code sns} or {@code log} (alerts only). */
    enum ChannelTarget { SQS, SNS, LOG }

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

    Outbox outbox();

    /** The outbox the messages wait in until they are sent, each on its own (ADR 0025). */
    interface Outbox {
        /** Invoices whose messages are sent side by side; one invoice's messages go in order. */
        @WithDefault("4")
        int parallelism();

        /** The longest wait between two attempts at a message that fails; the wait starts at 1 s and doubles. */
        @WithDefault("60s")
        java.time.Duration maxBackoff();

        /** How long a sent message is kept, as the record of what went out and when. */
        @WithDefault("7d")
        java.time.Duration keepSent();
    }

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
