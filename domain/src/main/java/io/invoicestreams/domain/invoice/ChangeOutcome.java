package io.invoicestreams.domain.invoice;

import java.util.List;

/** What the aggregate did with one {@link TransactionChange}. */
public sealed interface ChangeOutcome {

    /** The change produced these events (none when the item was written with the values it already had). */
    record Applied(List<String> events) implements ChangeOutcome {
        public Applied {
            events = List.copyOf(events);
        }
    }

    /**
     * There was nothing to do: the change was already applied or is older than what was (a redelivery or a
     * replay), or it deletes what was never recorded and carries nothing to check against.
     */
    record Skipped(String reason) implements ChangeOutcome {
    }

    /** The change cannot be applied to this invoice's state; nothing changed. The reason says why. */
    record Rejected(String reason) implements ChangeOutcome {
    }
}
