package io.invoicestreams.app;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** RFC 9457 problem+json for every error a client can cause, with a message a person can act on. */
public class Problems {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Problems.class);

    static final String MEDIA_TYPE = "application/problem+json";

    static Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", URI.create("about:blank"));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    /** Parses a whole-number parameter, with a message that names it; JAX-RS would answer 404 instead. */
    static int intParam(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '"
                    + io.invoicestreams.domain.Texts.abbreviate(value) + "'");
        }
    }

    /** A page's offset and limit, checked: offset 0 or more, limit 1 to 1,000. */
    record Paging(int offset, int limit) {
        static Paging of(String offsetParam, String limitParam) {
            return of("offset", offsetParam, limitParam);
        }

        /** As above, where the offset parameter has another name (such as {@code from}). */
        static Paging of(String offsetName, String offsetParam, String limitParam) {
            int offset = intParam(offsetName, offsetParam);
            int limit = intParam("limit", limitParam);
            if (offset < 0) {
                throw new IllegalArgumentException(offsetName + " must be 0 or more, was " + offset);
            }
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
            }
            return new Paging(offset, limit);
        }
    }

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return problem(400, "Bad request", e.getMessage());
    }

    /** Work that a request may not make the service do now (too slow, too big, too many at once): 503, try later. */
    private static Response unavailable(String detail) {
        return Response.fromResponse(problem(503, "Service unavailable", detail)).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response searchTooSlow(io.invoicestreams.projections.search.SearchResults.TimedOut e) {
        return unavailable(e.getMessage());
    }

    @ServerExceptionMapper
    public Response analyticsTooHeavy(io.invoicestreams.adapters.archive.ArchiveAnalytics.TooHeavy e) {
        return unavailable(e.getMessage());
    }

    /** A resource that does not exist, with a message that says which and why. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    @ServerExceptionMapper
    public Response unknown(NotFound e) {
        return problem(404, "Not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownInvoice(org.axonframework.modelling.command.AggregateNotFoundException e) {
        return problem(404, "Not found", "no such invoice: nothing has been recorded for it");
    }

    @ServerExceptionMapper
    public Response refused(io.invoicestreams.adapters.eventstore.ProjectionControl.RebuildRefused e) {
        return problem(409, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response refused(io.invoicestreams.adapters.eventstore.RebuildCoordinator.Refused e) {
        return problem(409, "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response concurrent(org.axonframework.modelling.command.ConcurrencyException e) {
        return problem(409, "Conflict", "the invoice changed at the same moment on another node; send the request again");
    }

    @ServerExceptionMapper
    public Response unauthorized(io.quarkus.security.UnauthorizedException e) {
        return challenge("this endpoint needs an API key: send it as " + ApiKeyAuthentication.HEADER
                + " or as HTTP Basic name:secret");
    }

    @ServerExceptionMapper
    public Response badCredentials(io.quarkus.security.AuthenticationFailedException e) {
        Long retryAfter = e.getAttribute(FailedAuthentications.RETRY_AFTER);
        if (retryAfter != null) {
            return Response.fromResponse(problem(429, "Too many requests", e.getMessage()))
                    .header("Retry-After", Long.toString(retryAfter)).build();
        }
        return challenge("the API key is not valid: check the " + ApiKeyAuthentication.HEADER
                + " header or the Basic name:secret");
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return problem(403, "Forbidden", "this API key may only read; this endpoint needs an admin key"
                + " (invoice.security.admin-keys)");
    }

    private static Response challenge(String detail) {
        return Response.fromResponse(problem(401, "Unauthorized", detail))
                .header("WWW-Authenticate", ApiKeyAuthentication.CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(404, "Not found", "no resource at this path");
    }

    /**
     * A failure nobody foresaw: the caller gets an id to quote, never the exception; the log has both. The fuzz test
     * holds every endpoint to answering bad input with a 4xx instead.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(RuntimeException e) {
        String id = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "Request failed, error id %s", id);
        return problem(500, "Internal error", "the service failed (error id " + id + "); the log has the details");
    }

    /** Whatever else JAX-RS refuses before a resource runs: a wrong method (405), media type (415, 406). */
    @ServerExceptionMapper
    public Response refusedByHttp(jakarta.ws.rs.WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return problem(500, "Internal error", "the service failed; the log has the details");
        }
        String detail = switch (status.getStatusCode()) {
            case 405 -> "this path does not take that method";
            case 406 -> "this endpoint answers application/json";
            case 415 -> "send the body as application/json";
            default -> status.getReasonPhrase();
        };
        return problem(status.getStatusCode(), status.getReasonPhrase(), detail);
    }
}
