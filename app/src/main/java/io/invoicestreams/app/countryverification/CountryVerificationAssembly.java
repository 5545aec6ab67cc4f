package io.invoicestreams.app.countryverification;

import io.invoicestreams.adapters.dynamodb.DynamoDbCountryVerificationStore;
import io.invoicestreams.app.readmodel.ReadModelsConfig;
import io.invoicestreams.app.Metrics;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModelTables;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.projections.countryverification.CountryVerificationProjection;
import io.invoicestreams.projections.countryverification.CountryVerificationStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import io.invoicestreams.projections.Fold;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The country verification read model: {@code InvoiceAction} in DynamoDB, counted where a verifier is assigned. */
// A native image keeps the read model's handler, which Axon calls reflectively.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = CountryVerificationProjection.class)
@Singleton
public class CountryVerificationAssembly {

    @Produces
    @Singleton
    CountryVerificationStore store(DynamoDbClient dynamoDb, CountryVerificationConfig config,
                                   ReadModelsConfig readModels, ReadModelTables tables) {
        DynamoDbCountryVerificationStore store = new DynamoDbCountryVerificationStore(dynamoDb, config.table(),
                readModels.rebuild().bulkWrites(), tables.generations().orElse(null));
        if (readModels.createTables()) {
            store.createTableIfMissing(Duration.ofSeconds(60));
        }
        return store;
    }

    @Produces
    @Singleton
    ReadModelBinding readModel(CountryVerificationStore store, Metrics metrics, CountryVerificationConfig config,
                               ReadModelTables tables) {
        return ReadModelBinding.of(ReadModels.COUNTRY_VERIFICATION.model(),
                new CountryVerificationProjection(store, metrics, config.coalesce()), new ReadModelBinding.Hooks() {
                    @Override
                    public Optional<Fold> newFold() {
                        return Optional.of(CountryVerificationProjection.fold(store));
                    }

                    @Override
                    public void beforeResume() {
                        tables.refresh(config.table());
                    }
                });
    }
}
