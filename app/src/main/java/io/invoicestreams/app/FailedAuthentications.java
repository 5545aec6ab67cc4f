package io.invoicestreams.app;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Failed authentications per client address: each is logged without the key (at most one line per client and
 * minute, with the count), and a client with more than the allowed failures in a minute is refused with 429 until
 * the minute is over, without its key being checked at all. That slows a guesser down to a few keys a minute per
 * address and keeps the log readable under attack.
 */
@jakarta.inject.Singleton
public class FailedAuthentications {

    private static final Logger LOG = Logger.getLogger(FailedAuthentications.class);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Clients tracked at most; beyond, the oldest windows are forgotten. */
    private static final int MAX_CLIENTS = 10_000;

    private final int allowed;
    private final Clock clock;
    private final Map<String, Window> clients = new ConcurrentHashMap<>();

    /** One client's failures in its current minute. */
    private static final class Window {
        final long start;
        int failures;
        int unlogged;
        /** When a line was last logged for this window; -1 before the first. */
        long loggedAt = -1;

        Window(long start) {
            this.start = start;
        }
    }

    /** The attribute of a refusal for too many failures: the seconds until the client may try again. */
    static final String RETRY_AFTER = "invoice-streams.retry-after-seconds";

    /** Refused at once: too many failed authentications from this client in the last minute. */
    private static io.quarkus.security.AuthenticationFailedException tooMany(long retryAfterSeconds) {
        return new io.quarkus.security.AuthenticationFailedException("too many failed authentications from this"
                + " address; try again in " + retryAfterSeconds + " s", Map.of(RETRY_AFTER, retryAfterSeconds));
    }

    @jakarta.inject.Inject
    FailedAuthentications(SecurityConfig config, Clock clock) {
        this(config.maxFailuresPerMinute(), clock);
    }

    FailedAuthentications(int allowed, Clock clock) {
        if (allowed < 1) {
            throw new IllegalArgumentException("invoice.security.max-failures-per-minute must be 1 or more, was "
                    + allowed);
        }
        this.allowed = allowed;
        this.clock = clock;
    }

    /** Throws, with {@link #RETRY_AFTER}, while the client has used up its failures of this minute. */
    void checkAllowed(String client) {
        long now = clock.millis();
        Window w = clients.get(client);
        if (w != null && now - w.start < WINDOW.toMillis()) {
            synchronized (w) {
                if (w.failures >= allowed) {
                    throw tooMany(Math.max(1, (w.start + WINDOW.toMillis() - now + 999) / 1000));
                }
            }
        }
    }

    /** Records a failure of the client, and logs it, without the key, unless one was logged this minute. */
    void failed(String client, String what) {
        long now = clock.millis();
        if (clients.size() >= MAX_CLIENTS) {
            clients.values().removeIf(w -> now - w.start >= WINDOW.toMillis());
            if (clients.size() >= MAX_CLIENTS) {
                clients.clear(); // under a flood of addresses, forget rather than grow
            }
        }
        Window w = clients.compute(client, (k, old) -> old == null || now - old.start >= WINDOW.toMillis()
                ? new Window(now) : old);
        synchronized (w) {
            w.failures++;
            w.unlogged++;
            if (w.loggedAt < 0 || now - w.loggedAt >= WINDOW.toMillis()) {
                LOG.warnf("Refused an API key from %s on %s (%d failed in this minute%s)", client, what, w.unlogged,
                        w.failures >= allowed ? "; further requests from it get 429 until the minute is over" : "");
                w.loggedAt = now;
                w.unlogged = 0;
            }
        }
    }
}
