package io.invoicestreams.adapters.dynamodb;

import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.ObservedChange;
import io.invoicestreams.domain.change.Translation;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.SequenceNumber;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * The anti-corruption layer: a DynamoDB Streams record becomes a domain {@link ObservedChange}, then a
 * {@link Translation}. INSERT, MODIFY and REMOVE end here; a REMOVE by the service principal
 * {@code dynamodb.amazonaws.com} is a time-to-live expiry.
 */
public final class StreamRecordDecoder {

    static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

    private final ChangeTranslator translator;

    public StreamRecordDecoder(ChangeTranslator translator) {
        this.translator = Objects.requireNonNull(translator, "translator");
    }

    /** One record as read from a shard, with what it translates to and its raw JSON for parking. */
    public record Decoded(String eventId, String shardId, String sequenceNumber, Translation translation,
                          Record record) {
        public String rawJson() {
            return StreamRecordJson.toJson(record);
        }
    }

    public Decoded decode(String shardId, Record record) {
        StreamRecord d = record.dynamodb();
        String sequence = d == null ? null : d.sequenceNumber();
        String eventId = record.eventID() != null ? record.eventID() : shardId + ":" + sequence;
        Translation translation;
        try {
            translation = translator.translate(observe(shardId, record));
        } catch (IllegalArgumentException | NullPointerException e) {
            translation = new Translation.Unusable(e.getMessage());
        }
        return new Decoded(eventId, shardId, sequence, translation, record);
    }

    static ObservedChange observe(String shardId, Record record) {
        StreamRecord d = record.dynamodb();
        if (d == null) {
            throw new IllegalArgumentException("the record has no dynamodb section");
        }
        if (d.approximateCreationDateTime() == null) {
            throw new IllegalArgumentException("the record has no ApproximateCreationDateTime");
        }
        ChangeIdentity identity = new ChangeIdentity(record.eventID(), shardId,
                new SequenceNumber(Objects.requireNonNull(d.sequenceNumber(), "the record has no SequenceNumber")),
                d.approximateCreationDateTime());
        if (!d.hasKeys() || d.keys().isEmpty()) {
            throw new IllegalArgumentException("the record has no Keys");
        }
        ObservedChange.Kind kind = switch (record.eventName() == null ? OperationType.UNKNOWN_TO_SDK_VERSION
                : record.eventName()) {
            case INSERT -> ObservedChange.Kind.CREATED;
            case MODIFY -> ObservedChange.Kind.WRITTEN;
            case REMOVE -> isTimeToLive(record.userIdentity()) ? ObservedChange.Kind.EXPIRED
                    : ObservedChange.Kind.DELETED;
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("eventName '"
                    + record.eventNameAsString() + "' is not INSERT, MODIFY or REMOVE");
        };
        return new ObservedChange(identity, kind, AttributeValues.image(d.keys()),
                d.hasOldImage() ? AttributeValues.image(d.oldImage()) : null,
                d.hasNewImage() ? AttributeValues.image(d.newImage()) : null);
    }

    private static boolean isTimeToLive(Identity identity) {
        return identity != null && TTL_PRINCIPAL.equals(identity.principalId())
                && "Service".equalsIgnoreCase(identity.type());
    }
}
