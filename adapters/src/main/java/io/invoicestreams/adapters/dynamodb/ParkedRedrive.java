package io.invoicestreams.adapters.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.jdbc.ParkedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Sends a parked stream record through the translation and ingestion again, after a fix: its raw record, as it
 * came, is decoded by today's code and configuration. In one transaction the parked row goes and the record is
 * ingested; if it still cannot become events it is parked again with today's reason, so nothing is ever lost.
 *
 * <p>Later records of the same item are not held back behind a parked one (ADR 0027): the aggregate keeps each
 * item's last applied stream position, so a record re-driven after newer ones of its item is skipped as stale and
 * never overwrites the newer state.
 */
public final class ParkedRedrive {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ParkedRecords parked;
    private final StreamRecordDecoder decoder;
    private final StreamBatchIngestor ingestor;
    private final JdbcTransactions transactions;

    /**
     * What one re-drive came to.
     *
     * @param outcome {@code applied} (events stored), {@code skipped} (nothing new: the store already holds the
     *                change or a newer one of its item) or {@code parked-again}
     * @param reason  why it is parked again; null otherwise
     */
    public record Outcome(String eventId, String outcome, int events, String reason) {
    }

    public ParkedRedrive(ParkedRecords parked, StreamRecordDecoder decoder, StreamBatchIngestor ingestor,
                         JdbcTransactions transactions) {
        this.parked = Objects.requireNonNull(parked, "parked");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /** Re-drives one parked record; empty when none has this event id. */
    public Optional<Outcome> redrive(String eventId) {
        return parked.find(eventId).map(this::redrive);
    }

    /** Re-drives up to {@code limit} parked records, oldest first. */
    public List<Outcome> redriveAll(int limit) {
        List<Outcome> outcomes = new ArrayList<>();
        for (ParkedRecords.Parked p : parked.list(0, limit)) {
            outcomes.add(redrive(p));
        }
        return outcomes;
    }

    private Outcome redrive(ParkedRecords.Parked p) {
        Record record;
        try {
            record = StreamRecordJson.fromJson(JSON.readTree(p.rawRecord()));
        } catch (java.io.IOException | RuntimeException e) {
            return new Outcome(p.eventId(), "parked-again", 0, "the parked record cannot be read back: "
                    + e.getMessage());
        }
        Decoded decoded = decoder.decode(p.shardId(), record);
        return transactions.fetchInTransaction(() -> {
            parked.delete(p.eventId());
            StreamBatchIngestor.BatchResult result = ingestor.ingestWithoutCheckpoint(List.of(decoded));
            if (result.parked() > 0) {
                String reason = parked.find(decoded.eventId()).map(ParkedRecords.Parked::reason).orElse("parked");
                return new Outcome(p.eventId(), "parked-again", 0, reason);
            }
            return new Outcome(p.eventId(), result.events() > 0 ? "applied" : "skipped", result.events(), null);
        });
    }
}
