package io.invoicestreams.app;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The readiness with its details, for operators: the stream's ARN (it holds the account id), the last error and the
 * store's error. {@code /q/health/ready} says only UP or DOWN to anyone. 200 when ready, 503 when not, as there.
 */
@Path("/admin/health")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.ADMIN)
public class HealthResource {

    private final StreamHealth health;

    HealthResource(@org.eclipse.microprofile.health.Readiness StreamHealth health) {
        this.health = health;
    }

    @GET
    public Response details() {
        StreamHealth.Details details = health.details();
        return Response.status(details.up() ? 200 : 503).entity(details).build();
    }
}
