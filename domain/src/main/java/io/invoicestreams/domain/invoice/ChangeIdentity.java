package io.invoicestreams.domain.invoice;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a change came from: the stream record's identity and time. Every event carries it, so an event's id and
 * time derive from the record and a redelivered record is recognised.
 *
 * @param eventId   the stream record's eventID, unique per record
 * @param shardId   the shard that delivered it, or {@link #TABLE_SCAN} for an item read by {@code bootstrap}
 * @param sequence  the record's SequenceNumber; it grows with each change of one item
 * @param changedAt the record's ApproximateCreationDateTime
 */
public record ChangeIdentity(String eventId, String shardId, SequenceNumber sequence, Instant changedAt) {

    /**
     * The "shard" of a change that {@code bootstrap} read from the table itself rather than from its stream: the
     * item as it stood when it was scanned, with sequence 0, so that every later record of the stream follows it
     * (ADR 0017).
     */
    public static final String TABLE_SCAN = "table-scan";

    public ChangeIdentity {
        requireText(eventId, "eventID");
        requireText(shardId, "shardId");
        Objects.requireNonNull(sequence, "SequenceNumber must not be null");
        Objects.requireNonNull(changedAt, "ApproximateCreationDateTime must not be null");
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException(field + " '" + io.invoicestreams.domain.Texts.abbreviate(value)
                    + "' must be 1 to 200 characters");
        }
    }

    /** True for the state of an item that {@code bootstrap} took from the table, not a change the stream told. */
    public boolean fromTableScan() {
        return TABLE_SCAN.equals(shardId);
    }
}
