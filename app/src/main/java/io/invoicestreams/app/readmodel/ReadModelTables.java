package io.invoicestreams.app.readmodel;

import io.invoicestreams.adapters.dynamodb.TableGenerations;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where the DynamoDB read models live: under their configured names, or, with
 * {@code invoice.read-models.rebuild.into=shadow}, in the generation their pointer names (ADR 0022). The pointers'
 * table is created when missing, whatever {@code create-tables} says: a shadow rebuild creates tables by nature.
 */
@Singleton
public class ReadModelTables {

    /** How long a read uses a pointer before it reads it again; processors read it again before they resume. */
    static final Duration POINTER_FRESH = Duration.ofSeconds(1);

    private final Optional<TableGenerations> generations;

    ReadModelTables(DynamoDbClient dynamoDb, ReadModelsConfig config, Clock clock) {
        if (config.rebuild().into() == ReadModelsConfig.Rebuild.Into.SHADOW) {
            TableGenerations shadow = new TableGenerations(dynamoDb, config.rebuild().generationsTable(), clock,
                    POINTER_FRESH, Duration.ofSeconds(60));
            shadow.createTableIfMissing();
            generations = Optional.of(shadow);
        } else {
            generations = Optional.empty();
        }
    }

    /** The pointers, with the shadow-table option; empty when rebuilds write over the live tables. */
    public Optional<TableGenerations> generations() {
        return generations;
    }

    /** Reads the read model's pointer again; nothing without the shadow-table option. */
    public void refresh(String table) {
        generations.ifPresent(g -> g.refresh(table));
    }
}
