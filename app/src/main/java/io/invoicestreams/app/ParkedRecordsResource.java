package io.invoicestreams.app;

import io.invoicestreams.adapters.jdbc.ParkedRecords;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Stream records that could not become events, with their raw content and the reason. */
@Path("/admin/parked")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
public class ParkedRecordsResource {

    private final ParkedRecords parked;

    ParkedRecordsResource(ParkedRecords parked) {
        this.parked = parked;
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
