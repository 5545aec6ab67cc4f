package io.invoicestreams.app;

import io.invoicestreams.app.audit.ArchiveConfig;

import io.invoicestreams.adapters.archive.ArchiveLifecycle;
import io.invoicestreams.adapters.archive.ArchiveRetention;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code archive lifecycle [--infrequent-access-days N] [--glacier-days M] [--expire-days D] [--dry-run]}: applies the
 * archive's retention to its S3 bucket as lifecycle rules, or, for the local folder, says what they would do. The
 * days default to {@code invoice.archive.retention.*}. Deleting audit data before seven years needs
 * {@code --allow-short-retention}.
 */
@ApplicationScoped
public class ArchiveCommand {

    static final String USAGE = """
            Usage: invoice-streams archive lifecycle [--infrequent-access-days N] [--glacier-days M]
                                                     [--expire-days D] [--dry-run] [--allow-short-retention]

            Applies the audit archive's retention to its S3 bucket (invoice.archive.s3.bucket) as two lifecycle
            rules, one for the archive prefix and one for the error prefix: STANDARD_IA after N days, GLACIER after
            M days, deleted after D days, counted from each object's creation. Other rules of the bucket are kept.
            For the local archive folder it prints what the rules would do to the objects there, and changes nothing.

            Defaults: invoice.archive.retention.infrequent-access-days (30), glacier-days (90) and expire-days
            (2557, seven years). S3 needs N >= 30, M >= N + 30 and D > M. D under 2557 deletes audit data before
            seven years and needs --allow-short-retention.

            Examples:
              archive lifecycle --dry-run
              archive lifecycle --infrequent-access-days 60 --glacier-days 180
            """;

    private static final Set<String> DAY_OPTIONS = Set.of("--infrequent-access-days", "--glacier-days", "--expire-days");

    private final ArchiveLifecycle lifecycle;
    private final ArchiveConfig config;

    ArchiveCommand(ArchiveLifecycle lifecycle, ArchiveConfig config) {
        this.lifecycle = lifecycle;
        this.config = config;
    }

    /** The parsed command line; a day left out is null and comes from the configuration. */
    record Request(Integer infrequentAccessDays, Integer glacierDays, Integer expireDays, boolean dryRun,
                   boolean allowShortRetention) {
    }

    /** Parses {@code args} (starting with archive); throws IllegalArgumentException with a one-line reason. */
    static Request parse(String[] args) {
        if (args.length < 2 || !args[1].equals("lifecycle")) {
            throw new IllegalArgumentException("archive needs the subcommand lifecycle");
        }
        Integer ia = null;
        Integer glacier = null;
        Integer expire = null;
        boolean dryRun = false;
        boolean allowShort = false;
        for (int i = 2; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--dry-run")) {
                dryRun = true;
            } else if (option.equals("--allow-short-retention")) {
                allowShort = true;
            } else if (DAY_OPTIONS.contains(option)) {
                if (i + 1 >= args.length || !args[i + 1].matches("\\d{1,5}")) {
                    throw new IllegalArgumentException(option + " needs a whole number of days");
                }
                int days = Integer.parseInt(args[++i]);
                switch (option) {
                    case "--infrequent-access-days" -> ia = days;
                    case "--glacier-days" -> glacier = days;
                    default -> expire = days;
                }
            } else {
                throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new Request(ia, glacier, expire, dryRun, allowShort);
    }

    /** The retention the request asks for: its days over the configured ones; checked as S3 would. */
    static ArchiveRetention retention(Request request, ArchiveConfig.Retention configured) {
        ArchiveRetention retention = new ArchiveRetention(
                request.infrequentAccessDays() != null ? request.infrequentAccessDays() : configured.infrequentAccessDays(),
                request.glacierDays() != null ? request.glacierDays() : configured.glacierDays(),
                request.expireDays() != null ? request.expireDays() : configured.expireDays());
        if (retention.shorterThanSevenYears() && !request.allowShortRetention()) {
            throw new IllegalArgumentException("expiry after " + retention.expireDays() + " days deletes audit data"
                    + " before seven years (" + ArchiveRetention.SEVEN_YEARS_DAYS + " days); add --allow-short-retention"
                    + " if that is intended");
        }
        return retention;
    }

    int run(Request request, PrintStream out, PrintStream err) {
        ArchiveRetention retention;
        try {
            retention = retention(request, config.retention());
        } catch (IllegalArgumentException e) {
            err.println("invoice-streams: archive lifecycle: " + e.getMessage());
            return 2;
        }
        try {
            ArchiveLifecycle.Outcome outcome = lifecycle.apply(retention, request.dryRun());
            List<String> lines = outcome.lines();
            lines.forEach(out::println);
            return 0;
        } catch (ArchiveLifecycle.LifecycleException e) {
            err.println("invoice-streams: archive lifecycle: " + e.getMessage());
            return 1;
        }
    }
}
