package io.invoicestreams.adapters.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.projections.countryverification.CountryVerificationProjectionContract;
import io.invoicestreams.projections.countryverification.CountryVerificationStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/** The country verification contract against DynamoDB Local: a fresh InvoiceAction table per test. */
class DynamoDbCountryVerificationStoreIT extends CountryVerificationProjectionContract {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final DynamoDbClient DYNAMO_DB = LocalDynamoDb.clients().dynamoDb();

    @Override
    protected CountryVerificationStore emptyStore() {
        DynamoDbCountryVerificationStore store = new DynamoDbCountryVerificationStore(DYNAMO_DB,
                "InvoiceAction" + TABLES.incrementAndGet());
        store.createTableIfMissing(Duration.ofSeconds(30));
        return store;
    }

    @AfterAll
    static void close() {
        DYNAMO_DB.close();
    }
}
