package io.invoicestreams.adapters;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Tells a failure that passes (a part is down, slow or throttling) from one that repeats whatever the wait (the
 * input itself is refused). The first is retried where it happened and holds back the work behind it; the second is
 * parked with its cause so that the work behind it goes on.
 */
public final class Failures {

    private Failures() {
    }

    /** A failure of a part that may answer later, anywhere in the cause chain. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof com.fasterxml.jackson.core.JacksonException) {
                return false; // a JSON error is an IOException, but about the data, not the connection
            }
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof TransientFailure || t instanceof InterruptedException) {
                return true;
            }
            if (t instanceof SdkServiceException service) {
                // the service answered: throttling and 5xx pass, a 4xx refuses the request itself
                return service.isThrottlingException() || service.statusCode() >= 500;
            }
            if (t instanceof SdkClientException) {
                return true; // no answer: connection refused, reset or timed out
            }
            if (t instanceof org.opensearch.client.opensearch._types.OpenSearchException search) {
                return search.status() == 429 || search.status() >= 500;
            }
            if (t instanceof SQLException sql && !isDataError(sql)) {
                return true;
            }
            if (t instanceof JdbcTransactions.JdbcFailure || t instanceof org.axonframework.common.jdbc.JdbcException
                    || t instanceof org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException) {
                return true;
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }

    /** SQL state classes 22 (data exception) and 23 (integrity constraint): the row is refused, not the database. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** Marks a failure as passing where no library exception says so, for example a search engine's busy answer. */
    public static class TransientFailure extends RuntimeException {
        public TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
