package io.invoicestreams.app.eventstore;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.app.Periodic;
import java.time.Duration;
import org.jboss.logging.Logger;

/** Retries the parked events whose backoff is over, on a timer; the serving process starts it. */
public final class DeadLetterRetry extends Periodic {

    private static final Logger LOG = Logger.getLogger(DeadLetterRetry.class);

    DeadLetterRetry(DeadLetters.Queues queues, Duration interval) {
        super("dead-letter-retry", interval, () -> retryDue(queues));
    }

    private static void retryDue(DeadLetters.Queues queues) {
        for (String group : queues.groups()) {
            try {
                queues.retryDue(group);
            } catch (RuntimeException e) {
                LOG.warnf("Retrying the parked events of %s failed; tried again later: %s", group, e.toString());
            }
        }
    }
}
