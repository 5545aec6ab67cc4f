package io.invoicestreams.app.console;

import io.invoicestreams.app.Invocation;
import io.invoicestreams.app.Mode;
import io.invoicestreams.app.Periodic;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each read model's events per second over the last 15 minutes, for the console's charts: every
 * {@link #STEP} it reads {@code invoice_projection_events_total{group}} (the same counter Prometheus scrapes) and keeps
 * the rate since the last reading. A rebuild sets the counter back; that step counts the positions passed since.
 */
@Singleton
public class Throughput {

    static final Duration STEP = Duration.ofSeconds(10);
    static final int STEPS = (int) (Duration.ofMinutes(15).toSeconds() / STEP.toSeconds());

    private final MeterRegistry registry;
    private final Invocation invocation;
    private final Map<String, Deque<Double>> rates = new TreeMap<>();
    private final Map<String, Double> last = new TreeMap<>();
    private final Sampler sampler;

    Throughput(MeterRegistry registry, Invocation invocation) {
        this.registry = registry;
        this.invocation = invocation;
        this.sampler = new Sampler(this);
    }

    void onStart(@Observes StartupEvent event) {
        if (invocation.mode() == Mode.SERVE) {
            sampler.start();
        }
    }

    /** Takes one reading of every read model's counter. */
    synchronized void sample() {
        for (FunctionCounter counter : registry.find("invoice.projection.events").functionCounters()) {
            String group = counter.getId().getTag("group");
            double now = counter.count();
            if (group == null || Double.isNaN(now)) {
                continue;
            }
            Double before = last.put(group, now);
            if (before == null) {
                continue;
            }
            double passed = now >= before ? now - before : now;
            Deque<Double> series = rates.computeIfAbsent(group, g -> new ArrayDeque<>());
            series.addLast(passed / STEP.toSeconds());
            while (series.size() > STEPS) {
                series.removeFirst();
            }
        }
    }

    /** The group's events per second, one value per {@link #STEP}, oldest first; empty before two readings. */
    public synchronized List<Double> rates(String group) {
        return new ArrayList<>(rates.getOrDefault(group, new ArrayDeque<>()));
    }

    /** The timer that samples. */
    static final class Sampler extends Periodic {
        Sampler(Throughput throughput) {
            super("console-throughput", STEP, () -> {
                try {
                    throughput.sample();
                } catch (RuntimeException e) {
                    org.jboss.logging.Logger.getLogger(Throughput.class).debugf("Sampling throughput failed: %s", e);
                }
            });
        }
    }

    /**
     * Stops sampling before {@code ServiceLifecycle} stops the store (a lower priority is told first): a reading
     * after that would ask a closed store for the read models' positions and log a warning per read model.
     */
    void onStop(@Observes @jakarta.annotation.Priority(0) io.quarkus.runtime.ShutdownEvent event) {
        sampler.close();
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        sampler.close();
    }
}
