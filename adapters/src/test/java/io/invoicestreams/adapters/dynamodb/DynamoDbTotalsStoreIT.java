package io.invoicestreams.adapters.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.projections.totals.TotalsProjectionContract;
import io.invoicestreams.projections.totals.TotalsStore;
import java.time.Duration;
import java.util.Currency;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

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

    @AfterAll
    static void close() {
        DYNAMO_DB.close();
    }
}
