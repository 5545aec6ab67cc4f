package io.invoicestreams.app;

import io.invoicestreams.adapters.archive.ArchiveFlusher;
import io.invoicestreams.adapters.archive.JdbcArchiveSpool;
import io.invoicestreams.adapters.dynamodb.ShardCheckpoint;
import io.invoicestreams.adapters.dynamodb.ShardLeases;
import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.FairShare;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.notifications.NotificationOutbox;
import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import io.invoicestreams.app.console.Throughput;
import io.invoicestreams.app.notifications.NotificationsAssembly;
import io.invoicestreams.app.readmodel.Rebuilds;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the operator console at {@code /console/} shows, in one read: the source and its shards, each read model, the
 * nodes, the parked records and the archive (ADR 0030). The console's pages are static files that poll this; the
 * actions call the admin endpoints that already exist. Lags are read from the same meters Prometheus scrapes, so
 * the console and the dashboards never disagree.
 */
@Path("/console/api")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.READER)
public class ConsoleResource {

    /** At most this many shards are listed one by one; the rest are counted. */
    static final int MAX_SHARDS = 500;

    private final ServiceLifecycle lifecycle;
    private final ProjectionControl projections;
    private final Rebuilds rebuilds;
    private final DeadLetters.Queues deadLetters;
    private final InvoiceEventStore store;
    private final NotificationsAssembly.Outbox outbox;
    private final MeterRegistry registry;
    private final Throughput throughput;
    private final Instance<JdbcArchiveSpool> spool;
    private final Instance<ArchiveFlusher> flusher;
    private final CoreAssembly.NodeId node;
    private final Duration claimTimeout;
    private final SecurityIdentity identity;

    ConsoleResource(ServiceLifecycle lifecycle, ProjectionControl projections, Rebuilds rebuilds,
                    DeadLetters.Queues deadLetters, InvoiceEventStore store, NotificationsAssembly.Outbox outbox,
                    MeterRegistry registry, Throughput throughput, Instance<JdbcArchiveSpool> spool,
                    Instance<ArchiveFlusher> flusher, CoreAssembly.NodeId node, InvoiceStreamsConfig config,
                    SecurityIdentity identity) {
        this.lifecycle = lifecycle;
        this.projections = projections;
        this.rebuilds = rebuilds;
        this.deadLetters = deadLetters;
        this.store = store;
        this.outbox = outbox;
        this.registry = registry;
        this.throughput = throughput;
        this.spool = spool;
        this.flusher = flusher;
        this.node = node;
        this.claimTimeout = config.node().claimTimeout();
        this.identity = identity;
    }

    /** The root and {@code /console} lead to the console's overview page. */
    static void redirects(@Observes Router router) {
        // Vert.x matches "/console" for "/console/" as well, where the static index.html must answer.
        router.get("/").handler(rc -> rc.redirect("/console/"));
        router.get("/console").handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next();
            } else {
                rc.redirect("/console/");
            }
        });
    }

    /**
     * @param node      the node that answered
     * @param shards    the stream's open shards, in shard order (at most {@value #MAX_SHARDS})
     * @param endedShards shards read to their end, and open shards beyond the listed ones
     * @param nodes     the nodes in the token table, live or not
     * @param isAdmin   the caller's key may use the actions; the page asks for one otherwise
     */
    public record Overview(String node, Instant at, Source source, List<Shard> shards, int endedShards,
                           List<ReadModel> readModels, List<Node> nodes, long head, long parkedStreamRecords,
                           Archive archive, List<ProjectionsResource.Rebuild> rebuilds,
                           Map<String, NotificationOutbox.Backlog> outbox, boolean isAdmin) {
    }

    /**
     * @param kind       dynamodb-streams, kinesis or none (a process that does not follow the stream)
     * @param stream     the stream's ARN or name; only for an admin key, as it names the account
     * @param lastError  the last failure of reading the stream into the store; only for an admin key
     * @param maxLagSeconds the largest lag of the shards this node reads ({@code invoice_stream_lag_max_seconds})
     */
    public record Source(String kind, String stream, boolean running, Instant lastSuccessfulPoll,
                         Instant failingSince, String lastError, boolean dataLoss, Double maxLagSeconds) {
    }

    /**
     * @param position   the checkpoint: the sequence number of the last record stored; null before the first
     * @param lagSeconds the shard's lag ({@code invoice_stream_lag_seconds{shard}}) when this node reads it; null
     *                   when another node does
     */
    public record Shard(String shard, String owner, String position, Instant claimedAt, Double lagSeconds) {
    }

    /**
     * @param state          RUNNING, REBUILDING, ERROR or STOPPED
     * @param rebuildable    {@code POST /admin/projections/{name}/rebuild} takes it
     * @param lagSeconds     {@code invoice_projection_lag_seconds{group}}; null while the store cannot say
     * @param deadLetters    events parked in its dead-letter queue; null when it has none or the store cannot say
     * @param eventsPerSecond one value per 10 s over the last 15 minutes, oldest first
     */
    public record ReadModel(String name, String state, boolean rebuildable, long position, long head, long lagEvents,
                            Double lagSeconds,
                            Long deadLetters, List<Double> eventsPerSecond,
                            List<ProjectionControl.SegmentStatus> segments) {
    }

    /** A node in the token table; live while its membership claim is renewed within the claim timeout. */
    public record Node(String name, Instant claimedAt, boolean live, boolean self) {
    }

    /**
     * @param pendingLines lines spooled and not yet in an object
     * @param dueBy        when the spool is flushed at the latest, if anything waits
     * @param lastObject   the last object this node stored since it started
     */
    public record Archive(long pendingLines, long pendingBytes, Instant oldestSpooledAt, Instant dueBy,
                          ArchiveFlusher.Stored lastObject) {
    }

    @GET
    @Path("overview")
    public Overview overview() {
        Instant now = Instant.now();
        boolean admin = identity.hasRole(ApiKeys.ADMIN);
        Optional<SourceStatus> status = lifecycle.source().map(ChangeSource::status);
        Map<String, Double> shardLags = new TreeMap<>();
        for (Gauge gauge : registry.find("invoice.stream.lag.seconds").gauges()) {
            shardLags.put(gauge.getId().getTag("shard"), finite(gauge.value()));
        }
        List<Shard> shards = new ArrayList<>();
        int ended = 0;
        String stream = status.flatMap(SourceStatus::stream).orElse("");
        if (stream.startsWith("arn:")) {
            String prefix = ShardLeases.leaseName(stream, "");
            for (ProjectionControl.Lease lease : projections.leases(prefix)) {
                String shard = lease.name().substring(prefix.length());
                ShardCheckpoint checkpoint = lease.token() instanceof ShardCheckpoint c ? c : ShardCheckpoint.atStart();
                if (checkpoint.shardEnded() || shards.size() >= MAX_SHARDS) {
                    ended++;
                    continue;
                }
                shards.add(new Shard(shard, lease.owner(), checkpoint.sequenceNumber(), lease.claimedAt(),
                        shardLags.get(shard)));
            }
        } else {
            shardLags.forEach((shard, lag) -> shards.add(new Shard(shard, node.value(), null, null, lag)));
        }
        Source source = status.map(s -> new Source(s.stream().map(n -> n.startsWith("kinesis:") ? "kinesis"
                                : "dynamodb-streams").orElse("none"), admin ? s.stream().orElse(null) : null,
                        s.running(), s.lastSuccessfulPoll(), s.failingSince().orElse(null),
                        admin ? s.lastError().orElse(null) : null, s.dataLoss().isPresent(),
                        gauge("invoice.stream.lag.max.seconds", null)))
                .orElse(new Source("none", null, false, null, null, null, false, null));

        List<ReadModel> readModels = new ArrayList<>();
        for (ProjectionControl.Status model : projections.status()) {
            boolean rebuilding = model.replaying() || rebuilds.rebuilding(model.name());
            String state = model.error() ? "ERROR" : rebuilding ? "REBUILDING" : model.running() ? "RUNNING"
                    : "STOPPED";
            Double letters = deadLetters.groups().contains(model.name())
                    ? gauge("invoice.projection.dead.letters", model.name()) : null;
            boolean rebuildable = io.invoicestreams.app.readmodel.ReadModels.rebuildable().contains(model.name());
            readModels.add(new ReadModel(model.name(), state, rebuildable, model.position(), model.head(),
                    model.lag(), gauge("invoice.projection.lag.seconds", model.name()),
                    letters == null ? null : letters.longValue(), throughput.rates(model.name()), model.segments()));
        }

        List<Node> nodes = new ArrayList<>();
        for (ProjectionControl.Lease member : projections.leases(FairShare.MEMBERS)) {
            if (member.owner() == null) {
                continue;
            }
            boolean live = member.claimedAt() != null && member.claimedAt().plus(claimTimeout).isAfter(now);
            nodes.add(new Node(member.owner(), member.claimedAt(), live, member.owner().equals(node.value())));
        }

        Archive archive = null;
        if (projections.names().contains(io.invoicestreams.projections.audit.AuditArchiveProjection.NAME)
                && spool.isResolvable() && flusher.isResolvable()) {
            JdbcArchiveSpool.Pending pending = spool.get().pending();
            archive = new Archive(pending.lines(), pending.bytes(), pending.oldestSpooledAt(),
                    flusher.get().dueBy(), flusher.get().lastStored().orElse(null));
        }
        return new Overview(node.value(), now, source, shards, ended, readModels, nodes, store.headIndex(),
                store.parkedRecords().count(), archive,
                rebuilds.folded().stream().map(r -> ProjectionsResource.Rebuild.of(r, now)).toList(),
                outbox.outbox().map(NotificationOutbox::backlog).orElse(Map.of()), admin);
    }

    /** A gauge's value, or null when it is not registered or reads NaN (its store did not answer in time). */
    private Double gauge(String name, String group) {
        var search = registry.find(name);
        if (group != null) {
            search = search.tag("group", group);
        }
        Gauge gauge = search.gauge();
        return gauge == null ? null : finite(gauge.value());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
