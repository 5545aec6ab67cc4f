package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.eventstore.RebuildCoordinator;
import io.invoicestreams.adapters.notifications.NotificationOutbox;
import io.invoicestreams.app.notifications.NotificationsAssembly;
import io.invoicestreams.app.readmodel.Rebuilds;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** Where each read model stands, and its rebuild on the running service. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.READER)
public class ProjectionsResource {

    private final ProjectionControl projections;
    private final Rebuilds rebuilds;
    private final DeadLetters.Queues deadLetters;
    private final InvoiceEventStore store;
    private final NotificationsAssembly.Outbox outbox;

    ProjectionsResource(ProjectionControl projections, Rebuilds rebuilds, DeadLetters.Queues deadLetters,
                        InvoiceEventStore store, NotificationsAssembly.Outbox outbox) {
        this.outbox = outbox;
        this.projections = projections;
        this.rebuilds = rebuilds;
        this.deadLetters = deadLetters;
        this.store = store;
    }

    /**
     * @param head                 global index of the newest event in the store
     * @param parkedStreamRecords  stream records that never became events (see /admin/parked); no read model
     *                             has seen them
     * @param deadLetters          per processing group with a dead-letter queue, the events parked in it (see
     *                             /admin/dlq/{group})
     * @param outbox               per notification channel with messages waiting to be sent, how many wait, how many
     *                             of them failed at least once, and the oldest (see /admin/outbox); empty when all
     *                             went out
     */
    public record Projections(long head, long parkedStreamRecords, java.util.Map<String, Long> deadLetters,
                              List<ProjectionControl.Status> projections, List<Rebuild> rebuilds,
                              java.util.Map<String, NotificationOutbox.Backlog> outbox) {
    }

    /**
     * The newest folded rebuild of a read model (ADR 0022).
     *
     * @param state      REQUESTED, RUNNING, DONE or FAILED
     * @param node       the node that runs (or ran) it
     * @param position   the global index folded up to, of {@code target}
     * @param etaSeconds seconds left at the current rate; -1 when not known yet
     */
    public record Rebuild(String name, String state, String node, long position, long target, long events,
                          long items, double eventsPerSecond, long etaSeconds, java.time.Instant requested,
                          java.time.Instant finished, String message) {
        static Rebuild of(RebuildCoordinator.Rebuild r, java.time.Instant now) {
            return new Rebuild(r.name(), r.state().name(), r.owner(), r.position(), r.target(), r.events(), r.items(),
                    Math.round(r.eventsPerSecond(now)), r.etaSeconds(now), r.requested(), r.finished(), r.message());
        }
    }

    @GET
    @Path("projections")
    public Projections list() {
        java.util.Map<String, Long> parked = new java.util.TreeMap<>();
        deadLetters.groups().forEach(group -> parked.put(group, deadLetters.size(group)));
        java.time.Instant now = java.time.Instant.now();
        return new Projections(store.headIndex(), store.parkedRecords().count(), parked, projections.status(),
                rebuilds.folded().stream().map(r -> Rebuild.of(r, now)).toList(),
                outbox.outbox().map(NotificationOutbox::backlog).orElse(java.util.Map.of()));
    }

    /**
     * Rebuilds the read model from the whole event store. Totals and country verification fold their history while
     * every node serves, and the node that takes the rebuild writes each item once (ADR 0022); 202 with the rebuild,
     * which GET /projections follows under {@code rebuilds}. The search index is replayed in place on this node: 202
     * with its status, and 409 when another node holds segments of it.
     */
    @jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
    @POST
    @Path("admin/projections/{name}/rebuild")
    public Response rebuild(@PathParam("name") String name) {
        if (!projections.names().contains(name)) {
            throw new Problems.NotFound("no read model named '" + name + "'; known: " + projections.names());
        }
        Object started = rebuilds.start(name).<Object>map(r -> Rebuild.of(r, java.time.Instant.now()))
                .orElseGet(() -> projections.status(name));
        return Response.accepted(started).location(URI.create("/projections")).build();
    }
}
