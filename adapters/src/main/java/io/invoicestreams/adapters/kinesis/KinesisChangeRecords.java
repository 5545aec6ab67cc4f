package io.invoicestreams.adapters.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.dynamodb.StreamRecordJson;
import io.invoicestreams.domain.change.Translation;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * The anti-corruption layer of the Kinesis Data Streams source: a change record that DynamoDB wrote to a Kinesis
 * stream (ADR 0018) becomes the same DynamoDB Streams {@link Record} the stream source decodes, so one translation
 * serves both sources.
 *
 * <p>Such a record has no DynamoDB sequence number. Kinesis may deliver it twice and out of order, so its order
 * per item is rebuilt from its {@code ApproximateCreationDateTime}: the sequence number is the creation time in
 * microseconds (16 digits), then the last 24 digits of the Kinesis sequence number, which grows within a shard, as
 * a tie-break within one microsecond. The aggregate then skips a redelivered or older record, as it does on the
 * stream source.
 */
public final class KinesisChangeRecords {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger TIE_BREAK = BigInteger.TEN.pow(24);

    /** By the sequence this class gives (creation time first); an unreadable record, which has none, last. */
    public static final java.util.Comparator<Decoded> BY_CREATION = java.util.Comparator.comparing(
            (Decoded d) -> d.sequenceNumber() == null ? null : new BigInteger(d.sequenceNumber()),
            java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()));

    private final StreamRecordDecoder decoder;

    public KinesisChangeRecords(StreamRecordDecoder decoder) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
    }

    /** One Kinesis record's data, decoded; an unreadable one is {@link Translation.Unusable}, to be parked. */
    public Decoded decode(String shardId, String kinesisSequence, byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        try {
            return decoder.decode(shardId, record(JSON.readTree(json), kinesisSequence));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            // Parked as it came: the record's data as the one attribute of an image.
            String id = shardId + ":" + kinesisSequence;
            Record raw = Record.builder().eventID(id).dynamodb(StreamRecord.builder()
                    .newImage(java.util.Map.of("KinesisData", AttributeValue.fromS(json))).build()).build();
            return new Decoded(id, shardId, null, new Translation.Unusable(
                    "the Kinesis record is not a DynamoDB change record: " + e.getMessage()), raw);
        }
    }

    static Record record(JsonNode root, String kinesisSequence) {
        JsonNode d = root.path("dynamodb");
        if (!d.isObject()) {
            throw new IllegalArgumentException("the record has no dynamodb section");
        }
        Instant created = creationTime(d);
        StreamRecord.Builder change = StreamRecord.builder()
                .approximateCreationDateTime(created)
                .sequenceNumber(sequence(created, kinesisSequence));
        if (d.has("Keys")) {
            change.keys(StreamRecordJson.image(d.get("Keys")));
        }
        if (d.has("NewImage")) {
            change.newImage(StreamRecordJson.image(d.get("NewImage")));
        }
        if (d.has("OldImage")) {
            change.oldImage(StreamRecordJson.image(d.get("OldImage")));
        }
        if (d.has("SizeBytes")) {
            change.sizeBytes(d.get("SizeBytes").asLong());
        }
        Record.Builder record = Record.builder()
                .eventID(text(root, "eventID"))
                .eventName(text(root, "eventName"))
                .eventSource(text(root, "eventSource"))
                .awsRegion(text(root, "awsRegion"))
                .dynamodb(change.build());
        JsonNode identity = root.get("userIdentity");
        if (identity != null && identity.isObject()) {
            record.userIdentity(Identity.builder().principalId(text(identity, "principalId"))
                    .type(text(identity, "type")).build());
        }
        return record.build();
    }

    /** Milliseconds since the epoch, or microseconds when the record says so. */
    private static Instant creationTime(JsonNode d) {
        JsonNode time = d.get("ApproximateCreationDateTime");
        if (time == null || !time.canConvertToLong()) {
            throw new IllegalArgumentException("the record has no ApproximateCreationDateTime");
        }
        long value = time.asLong();
        return "MICROSECOND".equals(text(d, "ApproximateCreationDateTimePrecision"))
                ? Instant.ofEpochSecond(value / 1_000_000, (value % 1_000_000) * 1_000)
                : Instant.ofEpochMilli(value);
    }

    static String sequence(Instant created, String kinesisSequence) {
        long micros = Math.addExact(Math.multiplyExact(created.getEpochSecond(), 1_000_000L), created.getNano() / 1_000);
        BigInteger tie = kinesisSequence == null || kinesisSequence.isEmpty() ? BigInteger.ZERO
                : new BigInteger(kinesisSequence).mod(TIE_BREAK);
        return String.format("%016d%024d", micros, tie);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
