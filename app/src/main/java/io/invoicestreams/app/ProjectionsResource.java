package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import io.invoicestreams.adapters.eventstore.InvoiceEventStore;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
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

    ProjectionsResource(ProjectionControl projections, Rebuilds rebuilds, DeadLetters.Queues deadLetters,
                        InvoiceEventStore store) {
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
     */
    public record Projections(long head, long parkedStreamRecords, java.util.Map<String, Long> deadLetters,
                              List<ProjectionControl.Status> projections) {
    }

    @GET
    @Path("projections")
    public Projections list() {
        java.util.Map<String, Long> parked = new java.util.TreeMap<>();
        deadLetters.groups().forEach(group -> parked.put(group, deadLetters.size(group)));
        return new Projections(store.headIndex(), store.parkedRecords().count(), parked, projections.status());
    }

    /**
     * Clears the read model and replays the whole event store into it. 202: the replay runs; follow it in
     * GET /projections. 409 when another node holds segments of it.
     */
    @jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
    @POST
    @Path("admin/projections/{name}/rebuild")
    public Response rebuild(@PathParam("name") String name) {
        if (!projections.names().contains(name)) {
            throw new Problems.NotFound("no read model named '" + name + "'; known: " + projections.names());
        }
        rebuilds.start(name);
        return Response.accepted(projections.status(name)).location(URI.create("/projections")).build();
    }
}
