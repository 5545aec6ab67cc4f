package io.invoicestreams.adapters.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.jdbc.BootstrapRuns;
import io.invoicestreams.domain.change.ChangeTranslator;
import io.invoicestreams.domain.invoice.ChangeIdentity;
import io.invoicestreams.domain.invoice.SequenceNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Takes the items of a table that the stream no longer holds into the event store, once (ADR 0017):
 * <ol>
 *   <li>scans the whole table with consistent reads into the run's spool;</li>
 *   <li>writes a marker item, and reads every shard of the stream from its trim horizon up to the marker: each item
 *       with a record in that window is <em>told by the stream</em>, which the service reads from its trim horizon
 *       too, so the scan's copy of it is dropped;</li>
 *   <li>deletes the marker, and imports every other scanned item as its state now, from the "shard"
 *       {@link ChangeIdentity#TABLE_SCAN} with sequence 0: the stream's later records of it all come after.</li>
 * </ol>
 * An item changed while the scan ran has a record before the marker, so the stream tells it, never both. An item
 * changed after the marker was scanned before its change, and its records follow the imported state. Nothing is
 * counted twice, and an import sends no notification. Run it again after a failure: a new run imports only what
 * differs from what the store holds.
 */
public final class TableBootstrap {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a bootstrap could not run; nothing was imported. */
    public static final class BootstrapRefused extends RuntimeException {
        public BootstrapRefused(String message) {
            super(message);
        }
    }

    /**
     * @param pageSize      items per Scan page, and per import transaction
     * @param streamTimeout how long to wait for the marker's record to appear in the stream
     */
    public record Settings(int pageSize, Duration streamTimeout) {
        public Settings {
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("the bootstrap page size must be 1 to 1000, was " + pageSize);
            }
            Objects.requireNonNull(streamTimeout, "streamTimeout");
        }
    }

    /**
     * What a run did.
     *
     * @param scanned    items the scan read
     * @param streamTold scanned items left to the stream, which holds records of them
     * @param imported   scanned items imported from the table
     * @param events     events the import stored (an item the store already held as it is stores none)
     * @param parked     items that could not be read as transactions, parked with the reason
     */
    public record Result(String runId, long scanned, long streamTold, long imported, long events, long parked,
                         long streamRecords, SequenceNumber marker, Duration took) {
    }

    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final InvoiceTransactionsTable table;
    private final StreamRecordDecoder decoder;
    private final StreamBatchIngestor ingestor;
    private final BootstrapRuns runs;
    private final Settings settings;
    private final Clock clock;

    public TableBootstrap(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, InvoiceTransactionsTable table,
                          StreamRecordDecoder decoder, StreamBatchIngestor ingestor, BootstrapRuns runs,
                          Settings settings, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.table = Objects.requireNonNull(table, "table");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs a bootstrap, reporting progress in lines a person reads. */
    public Result run(Consumer<String> progress) {
        Instant started = clock.instant();
        String streamArn = table.latestStreamArn().orElseThrow(() -> new BootstrapRefused("table " + table.tableName()
                + " has no stream enabled: enable its stream (NEW_AND_OLD_IMAGES) first, so that changes during"
                + " and after the scan are not lost"));
        String runId = UUID.randomUUID().toString();
        long scanned = scan(runId, progress);
        progress.accept("scanned " + scanned + " items; reading the stream up to a marker");
        try {
            Window window = readStreamUpToMarker(streamArn, runId);
            progress.accept("read " + window.records() + " stream records; " + window.told().size()
                    + " items are told by the stream");
            runs.started(runId, table.tableName(), window.markerSequence(), window.markerTime(), clock.instant());
            long[] imported = importSpool(runId, window.told(), progress);
            runs.finished(runId, imported[0], clock.instant());
            return new Result(runId, scanned, scanned - imported[0] - imported[2], imported[0], imported[1],
                    imported[2], window.records(), window.markerSequence(), Duration.between(started, clock.instant()));
        } finally {
            runs.forgetSpool(runId);
        }
    }

    private long scan(String runId, Consumer<String> progress) {
        long n = 0;
        Map<String, AttributeValue> start = null;
        Instant at = clock.instant();
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamoDb.scan(b -> b.tableName(table.tableName()).consistentRead(true)
                    .limit(settings.pageSize()).exclusiveStartKey(from));
            List<String> items = new ArrayList<>(page.count());
            for (Map<String, AttributeValue> item : page.items()) {
                if (isMarker(keys(item))) {
                    continue;
                }
                items.add(StreamRecordJson.toJson(scannedRecord(runId, n + items.size() + 1, item, at)));
            }
            if (!items.isEmpty()) {
                runs.spool(runId, n + 1, items);
            }
            n += items.size();
            if (n > 0 && n % 10_000 < items.size()) {
                progress.accept("scanned " + n + " items");
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return n;
    }

    /** An item of the scan, as a record of the table-scan "shard": an insert with the item as its new image. */
    private static Record scannedRecord(String runId, long n, Map<String, AttributeValue> item, Instant at) {
        return Record.builder()
                .eventID("scan-" + runId + "-" + n)
                .eventName(OperationType.INSERT)
                .eventSource("invoice-streams:bootstrap")
                .dynamodb(StreamRecord.builder()
                        .keys(keys(item))
                        .newImage(item)
                        .sequenceNumber("0")
                        .approximateCreationDateTime(at)
                        .streamViewType(StreamViewType.NEW_IMAGE)
                        .build())
                .build();
    }

    private static Map<String, AttributeValue> keys(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> keys = new LinkedHashMap<>();
        keys.put(ChangeTranslator.INVOICE_NUMBER, item.get(ChangeTranslator.INVOICE_NUMBER));
        keys.put(ChangeTranslator.TRANSACTION_IDENTIFIER, item.get(ChangeTranslator.TRANSACTION_IDENTIFIER));
        return keys;
    }

    private static boolean isMarker(Map<String, AttributeValue> keys) {
        AttributeValue invoice = keys.get(ChangeTranslator.INVOICE_NUMBER);
        return invoice != null && (ChangeTranslator.BOOTSTRAP_MARKER.equals(invoice.s())
                || ChangeTranslator.BOOTSTRAP_MARKER_NUMBER.equals(invoice.n()));
    }

    /** The marker's key: text where the table's keys are strings, numbers where they are numbers. */
    private Map<String, AttributeValue> markerKeys(String runId) {
        TableKeys types = table.keys();
        boolean numberedInvoices = types.invoice() == software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N;
        boolean numberedTransactions = types.transaction()
                == software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.N;
        return Map.of(ChangeTranslator.INVOICE_NUMBER, types.invoice(numberedInvoices
                        ? ChangeTranslator.BOOTSTRAP_MARKER_NUMBER : ChangeTranslator.BOOTSTRAP_MARKER),
                ChangeTranslator.TRANSACTION_IDENTIFIER, types.transaction(numberedTransactions
                        ? Integer.toUnsignedString(runId.hashCode()) : runId));
    }

    private record Window(Set<Map<String, AttributeValue>> told, long records, SequenceNumber markerSequence,
                          Instant markerTime) {
    }

    /**
     * Every shard from its trim horizon: closed shards to their end, open ones until they are as far as the marker.
     * An open shard is that far when it delivered the marker, or, once the marker was seen elsewhere, when it
     * answers with no records or with a record written after the marker.
     */
    private Window readStreamUpToMarker(String streamArn, String runId) {
        Map<String, AttributeValue> markerKeys = markerKeys(runId);
        Map<String, AttributeValue> marker = new LinkedHashMap<>(markerKeys);
        marker.put("Written_by", AttributeValue.fromS("invoice-streams bootstrap; deleted when it has been read"));
        dynamoDb.putItem(b -> b.tableName(table.tableName()).item(marker));
        try {
            Set<Map<String, AttributeValue>> told = new HashSet<>();
            Map<String, ShardReader> readers = new LinkedHashMap<>();
            Set<String> done = new HashSet<>();
            long records = 0;
            SequenceNumber markerSequence = null;
            Instant markerTime = null;
            Instant deadline = clock.instant().plus(settings.streamTimeout());
            while (true) {
                for (Shard shard : DynamoDbStreamConsumer.describeShards(streams, streamArn).values()) {
                    if (!readers.containsKey(shard.shardId()) && !done.contains(shard.shardId())) {
                        readers.put(shard.shardId(), new ShardReader(streams, streamArn, shard.shardId(), null, 1000,
                                TableBootstrap::trimmedWhileReading));
                    }
                }
                if (readers.isEmpty() && markerSequence != null) {
                    return new Window(told, records, markerSequence, markerTime);
                }
                for (String shardId : List.copyOf(readers.keySet())) {
                    ShardReader.Page page = readers.get(shardId).next();
                    boolean farEnough = false;
                    for (Record record : page.records()) {
                        records++;
                        Map<String, AttributeValue> keys = record.dynamodb().keys();
                        if (keys.equals(markerKeys)) {
                            if (markerSequence == null) {
                                markerSequence = new SequenceNumber(record.dynamodb().sequenceNumber());
                                markerTime = record.dynamodb().approximateCreationDateTime();
                            }
                            farEnough = true;
                        } else if (isMarker(keys)) {
                            continue; // another run's marker
                        } else if (markerTime != null
                                && record.dynamodb().approximateCreationDateTime().isAfter(markerTime)) {
                            farEnough = true;
                        } else {
                            told.add(keys);
                        }
                    }
                    if (page.ended() || farEnough || (markerSequence != null && page.records().isEmpty())) {
                        readers.remove(shardId);
                        done.add(shardId);
                    }
                }
                if (markerSequence != null && readers.isEmpty()) {
                    return new Window(told, records, markerSequence, markerTime);
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new BootstrapRefused("the marker item written to " + table.tableName() + " did not appear"
                            + " in its stream within " + settings.streamTimeout() + "; nothing was imported");
                }
                pause();
            }
        } finally {
            dynamoDb.deleteItem(b -> b.tableName(table.tableName()).key(markerKeys));
        }
    }

    /** Imports the spooled items the stream does not tell; {imported, events, parked}. */
    private long[] importSpool(String runId, Set<Map<String, AttributeValue>> told, Consumer<String> progress) {
        long imported = 0;
        long events = 0;
        long parked = 0;
        long after = 0;
        List<Map.Entry<Long, String>> page;
        while (!(page = runs.spooled(runId, after, settings.pageSize())).isEmpty()) {
            List<StreamRecordDecoder.Decoded> batch = new ArrayList<>(page.size());
            for (Map.Entry<Long, String> item : page) {
                Record record = read(item.getValue());
                if (!told.contains(record.dynamodb().keys())) {
                    batch.add(decoder.decode(ChangeIdentity.TABLE_SCAN, record));
                }
            }
            after = page.getLast().getKey();
            if (!batch.isEmpty()) {
                StreamBatchIngestor.BatchResult result = ingestor.ingestWithoutCheckpoint(batch);
                imported += batch.size() - result.parked();
                events += result.events();
                parked += result.parked();
            }
            if (after % 10_000 < page.size()) {
                progress.accept("imported " + imported + " items (" + events + " events, " + parked + " parked)");
            }
        }
        return new long[]{imported, events, parked};
    }

    /** Records trimmed while the bootstrap reads from the trim horizon: what they told is unknown, so it stops. */
    private static void trimmedWhileReading(String shardId, String afterSequence) {
        throw new IllegalStateException("records of shard " + shardId + " after " + afterSequence + " were trimmed"
                + " from the stream while the bootstrap read it; nothing was imported");
    }

    private static Record read(String json) {
        try {
            return StreamRecordJson.fromJson(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("a spooled item is not the JSON it was written as", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BootstrapRefused("interrupted while reading the stream; nothing was imported");
        }
    }
}
