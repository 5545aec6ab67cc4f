package io.invoicestreams.app;

import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The built-in reports over the audit archive; each reads only the days it covers and says how many files. */
@Path("/analytics")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(ApiKeys.READER)
public class AnalyticsResource {

    private final ArchiveAnalytics analytics;
    /** The longest range one request covers (invoice.analytics.max-days). */
    private final int maxDays;

    AnalyticsResource(ArchiveAnalytics analytics, io.invoicestreams.app.audit.AnalyticsConfig config) {
        this.analytics = analytics;
        this.maxDays = config.maxDays();
    }

    /**
     * Per day and currency: new transactions, the max and the sum of their amounts, and the running daily average;
     * corrections, removals (expiries included) and the net amount. {@code by=invoice-date} counts each change on its
     * transaction's {@code Invoice_dt} instead of the day it happened.
     */
    @GET
    @Path("daily")
    public ArchiveAnalytics.DailyReport daily(@QueryParam("from") String fromParam, @QueryParam("to") String toParam,
                                              @QueryParam("by") String byParam) {
        ArchiveAnalytics.DayBy by = QueryCommand.dayBy("by", byParam);
        LocalDate from = date("from", fromParam);
        LocalDate to = date("to", toParam);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
        if (to.toEpochDay() - from.toEpochDay() >= maxDays) {
            throw new IllegalArgumentException("the range may cover at most " + maxDays + " days"
                    + " (invoice.analytics.max-days); query --sql reads longer ranges");
        }
        return analytics.daily(from, to, true, by);
    }

    /** The average daily amount of new transactions over the last {@code days} days, today (UTC) included. */
    @GET
    @Path("run-rate")
    public ArchiveAnalytics.RunRate runRate(@QueryParam("days") @DefaultValue("7") String daysParam) {
        int days = Problems.intParam("days", daysParam);
        if (days < 1 || days > maxDays) {
            throw new IllegalArgumentException("days must be between 1 and " + maxDays + " (invoice.analytics.max-days),"
                    + " was " + days);
        }
        return analytics.runRate(days, LocalDate.now(ZoneOffset.UTC));
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required, as YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD, was '"
                    + io.invoicestreams.domain.Texts.abbreviate(value) + "'");
        }
    }
}
