package io.invoicestreams.adapters.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far one shard's reader is behind the stream, read whenever it is asked (a metrics scrape): the time since the
 * newest moment up to which everything of the shard is known to be stored.
 * <ul>
 *   <li>After a page is stored, that moment is the creation time of its newest record: the reader may be behind by
 *       that much (Lambda's iterator age).</li>
 *   <li>After a read that found nothing, it is the moment the read began: the reader is at the tip, and the lag is
 *       0 for as long as such reads keep coming within {@code freshness}.</li>
 *   <li>When reads or stores fail, nothing moves it, so the lag rises for as long as the outage lasts, instead of
 *       freezing at its last value.</li>
 * </ul>
 * Written by the shard's reader, read from any thread.
 */
public final class ShardLag {

    private final Clock clock;
    private final Duration freshness;
    private volatile Instant handledUpTo;
    private volatile boolean atTip;

    /**
     * @param freshness how long a read that found nothing keeps the lag at 0; a reader that has not read again
     *                  within it is reported behind by the time since
     */
    public ShardLag(Clock clock, Duration freshness) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.freshness = Objects.requireNonNull(freshness, "freshness");
        this.handledUpTo = clock.instant();
    }

    /** A read that began at {@code readStarted} found no record: everything before it is stored. */
    public void atTip(Instant readStarted) {
        handledUpTo = readStarted;
        atTip = true;
    }

    /** A page was stored; its newest record was created at {@code newestCreated} (null when the stream omits it). */
    public void stored(Instant newestCreated) {
        if (newestCreated != null) {
            handledUpTo = newestCreated;
        }
        atTip = false;
    }

    /** The lag now; 0 only at the tip (a reader not known to be there reads at least 1 ms, whatever the clocks). */
    public Duration lag() {
        Duration since = Duration.between(handledUpTo, clock.instant());
        if (atTip && since.compareTo(freshness) <= 0) {
            return Duration.ZERO;
        }
        return since.compareTo(MINIMUM) < 0 ? MINIMUM : since;
    }

    private static final Duration MINIMUM = Duration.ofMillis(1);
}
