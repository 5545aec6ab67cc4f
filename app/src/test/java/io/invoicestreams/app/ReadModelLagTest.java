package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What {@code invoice_projection_lag_*} read, from a store and a clock the test controls. */
@org.junit.jupiter.api.Timeout(30) // a scrape that waited for a silent store would hang here, not fail
class ReadModelLagTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final AtomicReference<ProjectionControl.Status> status = new AtomicReference<>();
    private final AtomicInteger reads = new AtomicInteger();

    private static ProjectionControl.Status at(long position, long head) {
        return new ProjectionControl.Status("totals", true, false, false, position, head, Math.max(0, head - position),
                List.of());
    }

    private Metrics.ReadModelLag lag(java.util.function.LongFunction<Optional<Instant>> storedAfter) {
        return new Metrics.ReadModelLag("totals", () -> {
            reads.incrementAndGet();
            return status.get();
        }, storedAfter, clock);
    }

    @Test
    void the_lag_is_the_wait_of_the_oldest_event_not_handled_and_0_when_caught_up() {
        // Events 11 to 15 are stored; the read model has handled up to 10. Event 11 was stored at T0.
        status.set(at(10, 15));
        var lag = lag(position -> position == 10 ? Optional.of(T0) : Optional.empty());
        clock.advance(Duration.ofSeconds(42));
        var reading = lag.now();
        assertThat(reading.events()).isEqualTo(5);
        assertThat(reading.seconds()).isEqualTo(42.0);
        assertThat(reading.handled()).isEqualTo(11);

        // Within a second the same reading serves every gauge of the scrape; after it, the store is read again.
        clock.advance(Duration.ofMillis(500));
        assertThat(lag.now().seconds()).isEqualTo(42.0);
        assertThat(reads).hasValue(1);
        status.set(at(15, 15));
        clock.advance(Duration.ofMillis(600));
        assertThat(lag.now().seconds()).isZero();
        assertThat(lag.now().events()).isZero();
        assertThat(reads).hasValue(2);
    }

    @Test
    void it_rises_while_the_read_model_does_not_move() {
        status.set(at(10, 12));
        var lag = lag(position -> Optional.of(T0));
        clock.advance(Duration.ofSeconds(5));
        assertThat(lag.now().seconds()).isEqualTo(5.0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(lag.now().seconds()).isEqualTo(35.0);
    }

    @Test
    void a_silent_store_reads_NaN_within_the_wait_and_keeps_the_handled_count() {
        CountDownLatch answers = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean silent = new java.util.concurrent.atomic.AtomicBoolean();
        status.set(at(10, 10));
        var lag = new Metrics.ReadModelLag("totals", () -> {
            if (silent.get()) {
                try {
                    answers.await(); // a black-holed store: no answer until the test ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return status.get();
        }, position -> Optional.empty(), clock);
        assertThat(lag.now().handled()).isEqualTo(11);

        silent.set(true);
        clock.advance(Duration.ofSeconds(2));
        long started = System.nanoTime();
        var reading = lag.now();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the scrape does not wait for the store")
                .isLessThan(Metrics.ReadModelLag.WAIT.plusSeconds(1));
        assertThat(reading.events()).isNaN();
        assertThat(reading.seconds()).isNaN();
        assertThat(reading.handled()).as("a counter never reads NaN").isEqualTo(11);
        // The other gauges of the same scrape get the same answer at once, without waiting again.
        started = System.nanoTime();
        assertThat(lag.now().seconds()).isNaN();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Metrics.ReadModelLag.WAIT);
        answers.countDown();
    }
}
