package io.invoicestreams.adapters.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder;
import io.invoicestreams.adapters.dynamodb.StreamRecordDecoder.Decoded;
import io.invoicestreams.adapters.json.JacksonDocumentParser;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.change.CurrentItemReader;
import io.invoicestreams.domain.change.Translation;
import io.invoicestreams.domain.invoice.TransactionChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DynamoDB's Kinesis change records, decoded into the stream's records: times, order and what cannot be read. */
class KinesisChangeRecordsTest {

    private final KinesisChangeRecords records = new KinesisChangeRecords(new StreamRecordDecoder(
            new ChangeTranslator(Currency.getInstance("USD"), new JacksonDocumentParser(), CurrentItemReader.NONE)));

    private static byte[] change(String eventName, long time, String precision, String amount) {
        return ("{\"eventID\":\"e-" + time + "\",\"eventName\":\"" + eventName + "\",\"eventSource\":\"aws:dynamodb\","
                + "\"dynamodb\":{\"ApproximateCreationDateTime\":" + time
                + (precision == null ? "" : ",\"ApproximateCreationDateTimePrecision\":\"" + precision + "\"")
                + ",\"Keys\":{\"InvoiceNumber\":{\"S\":\"1212121\"},\"TransactionIdentifier\":{\"S\":\"T1\"}},"
                + "\"NewImage\":{\"InvoiceNumber\":{\"S\":\"1212121\"},\"TransactionIdentifier\":{\"S\":\"T1\"},"
                + "\"Amount\":{\"S\":\"" + amount + "\"},\"Trans_country\":{\"S\":\"USA\"}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static TransactionChange.Written written(Decoded decoded) {
        return (TransactionChange.Written) ((Translation.Translated) decoded.translation()).change();
    }

    @Test
    void milliseconds_and_microseconds_give_the_change_time_and_a_sequence_that_grows_with_it() {
        Decoded millis = records.decode("shardId-0", "49590338271490256608559692538361571095921575989136588898",
                change("INSERT", 1_764_583_200_123L, null, "$100"));
        Decoded micros = records.decode("shardId-0", "49590338271490256608559692538361571095921575989136588899",
                change("MODIFY", 1_764_583_200_123_456L, "MICROSECOND", "$150"));

        assertThat(written(millis).change().changedAt()).isEqualTo(Instant.parse("2025-12-01T10:00:00.123Z"));
        assertThat(written(micros).change().changedAt()).isEqualTo(Instant.parse("2025-12-01T10:00:00.123456Z"));
        assertThat(written(millis).created()).isTrue();
        assertThat(written(micros).created()).isFalse();
        assertThat(millis.sequenceNumber()).hasSize(40).startsWith("1764583200123000");
        assertThat(written(micros).change().sequence().isAfter(written(millis).change().sequence())).isTrue();
    }

    @Test
    void within_one_microsecond_the_kinesis_sequence_breaks_the_tie_and_a_batch_sorts_by_creation_time() {
        Decoded later = records.decode("shardId-0", "200", change("MODIFY", 1_000L, null, "$3"));
        Decoded sameTimeFirst = records.decode("shardId-0", "100", change("MODIFY", 1_000L, null, "$2"));
        Decoded earliest = records.decode("shardId-0", "300", change("INSERT", 999L, null, "$1"));
        Decoded unreadable = records.decode("shardId-0", "400", "{not json".getBytes(StandardCharsets.UTF_8));

        List<Decoded> batch = new ArrayList<>(List.of(unreadable, later, sameTimeFirst, earliest));
        batch.sort(KinesisChangeRecords.BY_CREATION);

        assertThat(batch).containsExactly(earliest, sameTimeFirst, later, unreadable);
        assertThat(unreadable.translation()).isInstanceOfSatisfying(Translation.Unusable.class, u ->
                assertThat(u.reason()).startsWith("the Kinesis record is not a DynamoDB change record"));
        assertThat(unreadable.rawJson()).contains("{not json");
    }
}
