package io.invoicestreams.adapters.eventstore;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the work over the nodes that share one event store, through Axon's token claims (ADR 0016). Axon's pooled
 * processors claim every free segment, so the first node to start takes all of them and a second one idles.
 *
 * <p>Each node therefore holds the claim of its own row of the token store's {@value #MEMBERS} processor and
 * extends it as a heartbeat; the live nodes are the rows whose claims have not timed out. A node keeps at most its
 * fair share, {@code ceil(units / live nodes)}, of each processor's segments, and of the stream's shards (see
 * {@link #share}). It releases what is above that share for a while, so that another node claims it. When a node
 * dies, its claims time out, the others count one node fewer, and their shares grow to take its work.
 */
public final class FairShare implements AutoCloseable {

    /** The token store "processor" whose rows are the live nodes. */
    public static final String MEMBERS = "__members";

    private static final Logger LOG = LoggerFactory.getLogger(FairShare.class);

    private final Configuration configuration;
    private final TokenStore tokens;
    private final JdbcTransactions transactions;
    private final Duration releaseFor;
    private final ScheduledExecutorService timer;
    private volatile int row;
    private volatile int members = 1;

    /**
     * @param every      how often the heartbeat runs and the shares are checked; well below the claim timeout
     * @param releaseFor how long a released segment stays free of this node, for another node to claim it
     */
    public FairShare(InvoiceEventStore store, Duration every, Duration releaseFor) {
        this.configuration = store.configuration();
        this.tokens = store.tokenStore();
        this.transactions = store.transactions();
        this.releaseFor = Objects.requireNonNull(releaseFor, "releaseFor");
        join();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("fair-share")
                .factory());
        timer.scheduleWithFixedDelay(this::tick, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes a row of its own, and deletes the rows of nodes whose claims timed out long ago. */
    private void join() {
        int mine = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        transactions.executeInTransaction(() -> {
            tokens.initializeSegment(null, MEMBERS, mine);
            tokens.fetchToken(MEMBERS, mine);
        });
        row = mine;
        for (Segment stale : transactions.fetchInTransaction(() -> tokens.fetchAvailableSegments(MEMBERS))) {
            if (stale.getSegmentId() == mine) {
                continue;
            }
            try {
                transactions.executeInTransaction(() -> {
                    tokens.fetchToken(MEMBERS, stale.getSegmentId());
                    tokens.deleteToken(MEMBERS, stale.getSegmentId());
                });
            } catch (RuntimeException raced) {
                // another node claimed or deleted it first
            }
        }
        members = count();
    }

    private int count() {
        return transactions.fetchInTransaction(() -> {
            int all = tokens.fetchSegments(MEMBERS).length;
            int free = tokens.fetchAvailableSegments(MEMBERS).size(); // includes this node's own row
            return Math.max(1, all - free + 1);
        });
    }

    /** The service nodes whose membership claims are live, for a process that has not joined (a command). */
    public static int liveNodes(InvoiceEventStore store) {
        return store.transactions().fetchInTransaction(() -> store.tokenStore().fetchSegments(MEMBERS).length
                - store.tokenStore().fetchAvailableSegments(MEMBERS).size());
    }

    /** The live nodes, this one included, as last counted. */
    public int members() {
        return members;
    }

    /** This node's share of {@code units} (segments or shards): {@code ceil(units / live nodes)}. */
    public int share(int units) {
        int nodes = members;
        return (units + nodes - 1) / nodes;
    }

    private void tick() {
        try {
            try {
                transactions.executeInTransaction(() -> tokens.extendClaim(MEMBERS, row));
            } catch (UnableToClaimTokenException lost) {
                LOG.warn("This node's membership claim timed out (a long pause?); joining again");
                join();
            }
            int before = members;
            members = count();
            if (members != before) {
                LOG.info("{} node(s) share the work now (were {})", members, before);
            }
            balance();
        } catch (RuntimeException e) {
            LOG.warn("Checking the share of the work failed; tried again shortly: {}", e.toString());
        }
    }

    /** Releases the segments each processor holds above this node's share. */
    private void balance() {
        for (var processor : configuration.eventProcessingConfiguration().eventProcessors().values()) {
            if (!(processor instanceof StreamingEventProcessor streaming) || !streaming.isRunning()) {
                continue;
            }
            int segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(streaming.getName())).length;
            List<Integer> owned = new ArrayList<>(streaming.processingStatus().keySet());
            int excess = owned.size() - share(segments);
            owned.sort(java.util.Comparator.reverseOrder());
            for (int i = 0; i < excess; i++) {
                LOG.info("Releasing segment {} of {}: {} node(s) share its {} segments", owned.get(i),
                        streaming.getName(), members, segments);
                streaming.releaseSegment(owned.get(i), releaseFor.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Leaves: the row is deleted, so the others count one node fewer at once. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            transactions.executeInTransaction(() -> tokens.deleteToken(MEMBERS, row));
        } catch (RuntimeException e) {
            // the claim times out by itself
        }
    }
}
