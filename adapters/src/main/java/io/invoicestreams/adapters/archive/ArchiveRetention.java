package io.invoicestreams.adapters.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * How long archive objects stay in each storage class, counted in days from an object's creation, as S3 lifecycle
 * rules count: infrequent access after {@code infrequentAccessDays}, Glacier after {@code glacierDays}, deleted after
 * {@code expireDays}. An object is created at or after the time of every event in it, so every event is kept at
 * least {@code expireDays}.
 *
 * <p>The constructor holds S3's own rules (a STANDARD_IA transition from day 30; 30 days in STANDARD_IA before
 * Glacier; expiry after the last transition), so a configuration that S3 would refuse is refused here, before any
 * request, with the reason.
 */
public record ArchiveRetention(int infrequentAccessDays, int glacierDays, int expireDays) {

    /** Seven years in days: 7 × 365 plus the two leap days any seven years can hold. */
    public static final int SEVEN_YEARS_DAYS = 7 * 365 + 2;

    public ArchiveRetention {
        List<String> problems = new ArrayList<>();
        if (infrequentAccessDays < 30) {
            problems.add("infrequent access needs at least 30 days (S3 refuses STANDARD_IA transitions before day 30), was "
                    + infrequentAccessDays);
        }
        if (glacierDays < infrequentAccessDays + 30) {
            problems.add("Glacier needs at least 30 days after infrequent access (day " + (infrequentAccessDays + 30)
                    + " or later; S3 keeps objects 30 days in STANDARD_IA), was " + glacierDays);
        }
        if (expireDays <= glacierDays) {
            problems.add("expiry must come after the Glacier transition (after day " + glacierDays + "), was "
                    + expireDays);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The seed's policy: infrequent access after 30 days, Glacier after 90, deleted after seven years. */
    public static ArchiveRetention sevenYears() {
        return new ArchiveRetention(30, 90, SEVEN_YEARS_DAYS);
    }

    /** True when objects are deleted before the seven years an audit needs. */
    public boolean shorterThanSevenYears() {
        return expireDays < SEVEN_YEARS_DAYS;
    }

    /** Where a rule puts an object of this age, in whole days since its creation. */
    public Tier tierAt(long ageDays) {
        if (ageDays >= expireDays) {
            return Tier.EXPIRED;
        }
        if (ageDays >= glacierDays) {
            return Tier.GLACIER;
        }
        return ageDays >= infrequentAccessDays ? Tier.STANDARD_IA : Tier.STANDARD;
    }

    /** The storage classes of the archive, and deletion. */
    public enum Tier {
        STANDARD, STANDARD_IA, GLACIER, EXPIRED
    }

    @Override
    public String toString() {
        return "STANDARD_IA after " + infrequentAccessDays + " days, GLACIER after " + glacierDays
                + " days, deleted after " + expireDays + " days";
    }
}
