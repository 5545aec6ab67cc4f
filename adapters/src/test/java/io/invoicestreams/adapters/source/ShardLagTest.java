package io.invoicestreams.adapters.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A shard's lag: 0 only while reads find the tip, rising while nothing is stored, the record's age after a page. */
class ShardLagTest {

    @Test
    void a_reader_not_yet_known_to_be_at_the_tip_is_never_reported_at_0() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
        ShardLag lag = new ShardLag(clock, Duration.ofSeconds(1));
        assertThat(lag.lag()).isPositive();
        clock.advance(Duration.ofSeconds(3));
        assertThat(lag.lag()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void at_the_tip_it_is_0_until_reads_stop_coming_then_it_rises_with_the_outage() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
        ShardLag lag = new ShardLag(clock, Duration.ofSeconds(1));
        lag.atTip(clock.instant());
        clock.advance(Duration.ofMillis(900));
        assertThat(lag.lag()).isZero();

        clock.advance(Duration.ofMillis(600)); // no read for 1.5 s: the stream or the store is failing
        assertThat(lag.lag()).isEqualTo(Duration.ofMillis(1500));
        clock.advance(Duration.ofSeconds(60));
        assertThat(lag.lag()).isEqualTo(Duration.ofMillis(61_500));

        lag.atTip(clock.instant()); // reads work again
        assertThat(lag.lag()).isZero();
    }

    @Test
    void after_a_stored_page_it_is_the_age_of_its_newest_record_and_never_0() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
        ShardLag lag = new ShardLag(clock, Duration.ofSeconds(1));
        lag.stored(clock.instant().minus(Duration.ofMinutes(5)));
        assertThat(lag.lag()).isEqualTo(Duration.ofMinutes(5));

        lag.stored(clock.instant().plusSeconds(2)); // a record stamped ahead of this node's clock
        assertThat(lag.lag()).isEqualTo(Duration.ofMillis(1));

        lag.stored(null); // no creation time given: the last known moment stays
        assertThat(lag.lag()).isEqualTo(Duration.ofMillis(1));
    }
}
