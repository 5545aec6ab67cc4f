package io.invoicestreams.app;

import io.invoicestreams.adapters.notifications.NotificationOutbox;
import io.invoicestreams.app.notifications.NotificationsAssembly;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * The notifications outbox (ADR 0025): the messages that wait to be sent, with their attempts and the reason of the
 * last failure, and a retry that makes them due now. A message is never dropped: it waits until its channel takes it.
 */
@Path("/admin/outbox")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
public class OutboxResource {

    private final NotificationsAssembly.Outbox outbox;

    OutboxResource(NotificationsAssembly.Outbox outbox) {
        this.outbox = outbox;
    }

    /** A page of unsent messages, oldest first, and what waits per channel. */
    public record Page(Map<String, NotificationOutbox.Backlog> backlog, int offset, int limit,
                       List<Message> messages) {
    }

    /** One unsent message; its body stays in the store (a payment's amount is not for every log or screen). */
    public record Message(long seq, String channel, String invoiceNumber, String eventId, String type,
                          java.time.Instant createdAt, int attempts, java.time.Instant nextAttemptAt,
                          String lastError) {
        static Message of(NotificationOutbox.Row row) {
            return new Message(row.seq(), row.channel(), row.message().groupId(), row.message().deduplicationId(),
                    row.message().attributes().get("type"), row.createdAt(), row.attempts(), row.nextAttemptAt(),
                    row.lastError());
        }
    }

    /** How many messages were made due now. */
    public record Retried(int messages) {
    }

    private NotificationOutbox rows() {
        return outbox.outbox().orElseThrow(() -> new NotFoundException(
                "this process sends no notifications (invoice.notifications.enabled), so it has no outbox"));
    }

    @GET
    public Page list(@QueryParam("offset") @DefaultValue("0") String offsetParam,
                     @QueryParam("limit") @DefaultValue("100") String limitParam) {
        Problems.Paging page = Problems.Paging.of(offsetParam, limitParam);
        NotificationOutbox rows = rows();
        return new Page(rows.backlog(), page.offset(), page.limit(), rows.unsent(page.offset(), page.limit()).stream()
                .map(Message::of).toList());
    }

    /** Tries every waiting message now, without waiting for its backoff: after a channel was fixed. */
    @POST
    @Path("retry")
    public Retried retry() {
        return new Retried(rows().retryNow());
    }
}
