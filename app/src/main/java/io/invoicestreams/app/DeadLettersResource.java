package io.invoicestreams.app;

import io.invoicestreams.adapters.eventstore.DeadLetters;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The dead-letter queue of a processing group: events whose handler failed, parked with their cause, and the later
 * events of the same invoice behind them. The same as {@code dlq list|retry|evict} on the command line.
 */
@Path("/admin/dlq/{processingGroup}")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
public class DeadLettersResource {

    private final DeadLetters.Queues queues;

    DeadLettersResource(DeadLetters.Queues queues) {
        this.queues = queues;
    }

    /** The parked events of a group, oldest invoice first, in order within an invoice. */
    public record Parked(String processingGroup, long size, List<DeadLetters.Letter> letters) {
    }

    /** What a retry did. */
    public record Retried(String processingGroup, int sequencesDelivered, long stillParked) {
    }

    @GET
    public Parked list(@PathParam("processingGroup") String group) {
        DeadLetters.Queues queues = queues(group);
        List<DeadLetters.Letter> letters = queues.list(group);
        return new Parked(group, letters.size(), letters);
    }

    /** Retries every parked invoice now, whatever its backoff. */
    @POST
    @Path("/retry")
    public Retried retry(@PathParam("processingGroup") String group) {
        DeadLetters.Queues queues = queues(group);
        int delivered = queues.retryAll(group);
        return new Retried(group, delivered, queues.size(group));
    }

    /** What the retry of one sequence did: {@code delivered} false when its head failed again. */
    public record SequenceRetried(String processingGroup, String sequence, boolean delivered, long stillParked) {
    }

    /**
     * Retries one sequence now, whatever its backoff: the parked events of one invoice, in order (a letter's
     * {@code sequence}). 404 when it has none parked.
     */
    @POST
    @Path("/sequences/{sequence}/retry")
    public SequenceRetried retrySequence(@PathParam("processingGroup") String group,
                                         @PathParam("sequence") String sequence) {
        DeadLetters.Queues queues = queues(group);
        if (queues.list(group).stream().noneMatch(l -> l.sequence().equals(sequence))) {
            throw new Problems.NotFound("no parked event of sequence '" + io.invoicestreams.domain.Texts
                    .abbreviate(sequence) + "' in " + group);
        }
        boolean delivered = queues.retrySequence(group, sequence);
        return new SequenceRetried(group, sequence, delivered, queues.size(group));
    }

    /** Removes one parked event for good: it is never handled. */
    @DELETE
    @Path("/{id}")
    public Response evict(@PathParam("processingGroup") String group, @PathParam("id") String id) {
        if (!queues(group).evict(group, id)) {
            throw new Problems.NotFound("no parked event with id '" + id + "' in " + group);
        }
        return Response.noContent().build();
    }

    private DeadLetters.Queues queues(String group) {
        if (!queues.groups().contains(group)) {
            throw new Problems.NotFound("processing group '" + group + "' has no dead-letter queue; groups with one: "
                    + queues.groups());
        }
        return queues;
    }
}
