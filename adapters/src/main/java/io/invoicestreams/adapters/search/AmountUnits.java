package io.invoicestreams.adapters.search;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts as both search engines index them: a long of ten-thousandths. A document's amount is converted exactly;
 * one beyond the long's range cannot be indexed, and its event is parked. A query's bound is rounded inward and
 * saturates, so that any decimal a caller sends is a valid filter: above the largest indexable amount it means no
 * bound. The comparison comes before any scaling, so a bound such as {@code 1e999999999} costs nothing.
 */
final class AmountUnits {

    static final int SCALE = 4;

    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE, SCALE);
    private static final BigDecimal MIN = BigDecimal.valueOf(Long.MIN_VALUE, SCALE);

    private AmountUnits() {
    }

    /** A document's amount. @throws ArithmeticException when it cannot be held (a poison event, parked) */
    static long exact(BigDecimal amount) {
        return amount.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }

    /** The smallest indexed value at or above the bound. */
    static long atLeast(BigDecimal bound) {
        return bounded(bound, RoundingMode.CEILING);
    }

    /** The largest indexed value at or below the bound. */
    static long atMost(BigDecimal bound) {
        return bounded(bound, RoundingMode.FLOOR);
    }

    private static long bounded(BigDecimal bound, RoundingMode rounding) {
        if (bound.compareTo(MAX) >= 0) {
            return Long.MAX_VALUE;
        }
        if (bound.compareTo(MIN) <= 0) {
            return Long.MIN_VALUE;
        }
        return bound.setScale(SCALE, rounding).unscaledValue().longValueExact();
    }
}
