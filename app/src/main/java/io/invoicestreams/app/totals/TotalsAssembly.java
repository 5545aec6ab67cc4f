package io.invoicestreams.app.totals;

import io.invoicestreams.adapters.dynamodb.DynamoDbTotalsStore;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.readmodel.ReadModelsConfig;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModelTables;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.projections.totals.TotalsProjection;
import io.invoicestreams.projections.totals.TotalsStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Currency;
import java.util.Optional;
import io.invoicestreams.projections.Fold;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The totals read model: {@code InvoiceTotal} in DynamoDB, written once per invoice per batch. */
// A native image keeps the read model's handler, which Axon calls reflectively.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = TotalsProjection.class)
@Singleton
public class TotalsAssembly {

    @Produces
    @Singleton
    TotalsStore totals(DynamoDbClient dynamoDb, TotalsConfig config, ReadModelsConfig readModels, Currency currency,
                       ReadModelTables tables) {
        if (config.writeConcurrency() < 1) {
            throw new IllegalArgumentException("invoice.read-models.totals.write-concurrency must be 1 or more, was "
                    + config.writeConcurrency());
        }
        DynamoDbTotalsStore store = new DynamoDbTotalsStore(dynamoDb, config.table(), currency,
                config.writeConcurrency(), readModels.rebuild().bulkWrites(), tables.generations().orElse(null));
        if (readModels.createTables()) {
            store.createTableIfMissing(Duration.ofSeconds(60));
        }
        return store;
    }

    void close(@Disposes TotalsStore store) {
        if (store instanceof AutoCloseable closeable) {
            Closing.close(closeable);
        }
    }

    @Produces
    @Singleton
    ReadModelBinding readModel(TotalsStore store, TotalsConfig config, Currency currency, ReadModelTables tables) {
        return ReadModelBinding.of(ReadModels.TOTALS.model(), new TotalsProjection(store, config.coalesce()),
                new ReadModelBinding.Hooks() {
                    @Override
                    public Optional<Fold> newFold() {
                        return Optional.of(TotalsProjection.fold(store, currency));
                    }

                    @Override
                    public void beforeResume() {
                        tables.refresh(config.table());
                    }
                });
    }
}
