package io.invoicestreams.app;

import io.invoicestreams.adapters.jdbc.ParkedRecords;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Stream records that could not become events, with their raw content and the reason; re-driven through today's
 * translation after a fix, or dropped for good (issue 18, ADR 0027).
 */
@Path("/admin/parked")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
public class ParkedRecordsResource {

    private final ParkedRecords parked;
    private final jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.dynamodb.ParkedRedrive> redrive;

    ParkedRecordsResource(ParkedRecords parked,
                          jakarta.enterprise.inject.Instance<io.invoicestreams.adapters.dynamodb.ParkedRedrive> redrive) {
        this.parked = parked;
        this.redrive = redrive;
    }

    /** Re-drives one parked record: 200 with what it came to (applied, skipped, parked-again), 404 if unknown. */
    @jakarta.ws.rs.POST
    @Path("{eventId}/redrive")
    public io.invoicestreams.adapters.dynamodb.ParkedRedrive.Outcome redrive(
            @jakarta.ws.rs.PathParam("eventId") String eventId) {
        return redrive.get().redrive(eventId).orElseThrow(() -> new Problems.NotFound(
                "no parked stream record with event id '" + io.invoicestreams.domain.Texts.abbreviate(eventId) + "'"));
    }

    /** Re-drives up to {@code limit} parked records, oldest first. */
    @jakarta.ws.rs.POST
    @Path("redrive")
    public List<io.invoicestreams.adapters.dynamodb.ParkedRedrive.Outcome> redriveAll(
            @QueryParam("limit") @DefaultValue("100") String limitParam) {
        return redrive.get().redriveAll(Problems.Paging.of("0", limitParam).limit());
    }

    /** Drops a parked record for good: 204, or 404 if unknown. */
    @jakarta.ws.rs.DELETE
    @Path("{eventId}")
    public jakarta.ws.rs.core.Response drop(@jakarta.ws.rs.PathParam("eventId") String eventId) {
        if (!parked.delete(eventId)) {
            throw new Problems.NotFound("no parked stream record with event id '"
                    + io.invoicestreams.domain.Texts.abbreviate(eventId) + "'");
        }
        return jakarta.ws.rs.core.Response.noContent().build();
    }

    /** A page of parked records, oldest first. */
    public record Page(long total, int offset, int limit, List<ParkedRecords.Parked> records) {
    }

    @GET
    public Page list(@QueryParam("offset") @DefaultValue("0") String offsetParam,
                     @QueryParam("limit") @DefaultValue("100") String limitParam) {
        Problems.Paging page = Problems.Paging.of(offsetParam, limitParam);
        return new Page(parked.count(), page.offset(), page.limit(), parked.list(page.offset(), page.limit()));
    }
}
