package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.ProjectionControl;
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

    private final StreamRuntime runtime;

    ProjectionsResource(StreamRuntime runtime) {
        this.runtime = runtime;
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
        runtime.deadLetters().groups().forEach(group -> parked.put(group, runtime.deadLetters().size(group)));
        return new Projections(runtime.store().headIndex(), runtime.store().parkedRecords().count(), parked,
                runtime.projections().status());
    }

    /**
     * Clears the read model and replays the whole event store into it. 202: the replay runs; follow it in
     * GET /projections. 409 when another node holds segments of it.
     */
    @jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
    @POST
    @Path("admin/projections/{name}/rebuild")
    public Response rebuild(@PathParam("name") String name) {
        if (!runtime.projections().names().contains(name)) {
            throw new Problems.NotFound("no read model named '" + name + "'; known: " + runtime.projections().names());
        }
        runtime.startRebuild(name);
        return Response.accepted(runtime.projections().status(name)).location(URI.create("/projections")).build();
    }
}
