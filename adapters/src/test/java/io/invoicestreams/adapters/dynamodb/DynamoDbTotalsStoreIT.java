package io.invoicestreams.adapters.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.projections.totals.TotalsProjectionContract;
import io.invoicestreams.projections.totals.TotalsStore;
import java.time.Duration;
import java.util.Currency;
import java.util.concurrent.atomic.AtomicInteger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.projections.totals.InvoiceTotalView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** The totals contract against the real protocol: each test gets a fresh InvoiceTotal table in DynamoDB Local. */
class DynamoDbTotalsStoreIT extends TotalsProjectionContract {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final DynamoDbClient DYNAMO_DB = LocalDynamoDb.clients().dynamoDb();

    @Override
    protected TotalsStore emptyStore() {
        DynamoDbTotalsStore store = new DynamoDbTotalsStore(DYNAMO_DB, "InvoiceTotal" + TABLES.incrementAndGet(),
                Currency.getInstance("USD"), 4);
        store.createTableIfMissing(Duration.ofSeconds(30));
        return store;
    }

    /**
     * A rebuild whose node learns that another node took it over is interrupted (ADR 0022): its bulk write stops
     * before its next call instead of writing every item of an older position.
     */
    @Test
    void an_interrupted_rebuild_stops_writing_at_its_next_call() throws Exception {
        DynamoDbTotalsStore store = (DynamoDbTotalsStore) emptyStore();
        List<InvoiceTotalView> totals = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            totals.add(new InvoiceTotalView(new InvoiceNumber("I" + i), List.of(Money.of("1", "USD")),
                    Instant.EPOCH, 1));
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                store.replaceAll(totals);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> DYNAMO_DB.scan(b -> b.tableName(store.tableName()).limit(1)).count() > 0);
        writer.interrupt();
        writer.join(Duration.ofSeconds(30).toMillis());

        assertThat(writer.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
        long written = DYNAMO_DB.scanPaginator(b -> b.tableName(store.tableName()).select(Select.COUNT)).stream()
                .mapToLong(page -> page.count()).sum();
        assertThat(written).as("items written before the interrupt stopped it").isPositive()
                .isLessThan(totals.size() / 2);
    }

    @AfterAll
    static void close() {
        DYNAMO_DB.close();
    }
}
