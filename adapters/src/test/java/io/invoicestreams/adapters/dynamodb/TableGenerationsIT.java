package io.invoicestreams.adapters.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.Money;
import io.invoicestreams.projections.Replaced;
import io.invoicestreams.projections.totals.InvoiceTotalChange;
import io.invoicestreams.projections.totals.InvoiceTotalView;
import io.invoicestreams.projections.totals.TotalStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The shadow-table option of a rebuild against DynamoDB Local (issue 15, ADR 0022): a rebuild fills a fresh table and
 * flips the read model's pointer; readers and the live path follow it; the generation before stays until the next
 * rebuild; a failed or overtaken rebuild leaves the pointer and no table behind.
 */
class TableGenerationsIT {

    private static final DynamoDbClient DYNAMO_DB = LocalDynamoDb.clients().dynamoDb();
    private static final Currency USD = Currency.getInstance("USD");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String base = "ShadowTotal_" + run;

    private TableGenerations generations() {
        TableGenerations generations = new TableGenerations(DYNAMO_DB, "Generations_" + run, Clock.systemUTC(),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        generations.createTableIfMissing();
        return generations;
    }

    private DynamoDbTotalsStore store(TableGenerations generations) {
        DynamoDbTotalsStore store = new DynamoDbTotalsStore(DYNAMO_DB, base, USD, 2,
                DynamoDbTables.BulkWrites.DEFAULT, generations);
        store.createTableIfMissing(Duration.ofSeconds(30));
        return store;
    }

    private static List<InvoiceTotalView> totals(String... invoiceAmount) {
        List<InvoiceTotalView> views = new ArrayList<>();
        for (int i = 0; i < invoiceAmount.length; i += 2) {
            views.add(new InvoiceTotalView(new InvoiceNumber(invoiceAmount[i]),
                    List.of(Money.of(invoiceAmount[i + 1], "USD")), Instant.EPOCH, 1));
        }
        return views;
    }

    private static boolean exists(String table) {
        try {
            DYNAMO_DB.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static long items(String table) {
        return DYNAMO_DB.scan(b -> b.tableName(table).consistentRead(true)).count();
    }

    @Test
    void a_rebuild_fills_a_fresh_table_that_readers_and_the_live_path_follow() {
        TableGenerations generations = generations();
        DynamoDbTotalsStore store = store(generations);
        store.apply(List.of(new InvoiceTotalChange(new InvoiceNumber("A"), List.of(new TotalStep(0,
                Money.of("999", "USD"), Instant.EPOCH)))));
        store.apply(List.of(new InvoiceTotalChange(new InvoiceNumber("STRAY"), List.of(new TotalStep(0,
                Money.of("5", "USD"), Instant.EPOCH)))));
        assertThat(store.tableName()).isEqualTo(base);

        Replaced replaced = store.replaceAll(totals("A", "100", "B", "200"));

        String second = store.tableName();
        assertThat(replaced.written()).isEqualTo(2);
        assertThat(second).startsWith(base + "-g2-");
        assertThat(generations.refresh(base)).isEqualTo(new TableGenerations.Pointer(second, 2, base));
        assertThat(store.find(new InvoiceNumber("A")).orElseThrow().totals()).containsExactly(Money.of("100", "USD"));
        assertThat(store.find(new InvoiceNumber("STRAY"))).as("not in the new generation").isEmpty();
        assertThat(items(base)).as("the generation before stays, complete, until the next rebuild").isEqualTo(2);

        store.apply(List.of(new InvoiceTotalChange(new InvoiceNumber("B"), List.of(new TotalStep(2,
                Money.of("1", "USD"), Instant.EPOCH)))));
        assertThat(store.find(new InvoiceNumber("B")).orElseThrow().totals()).containsExactly(Money.of("201", "USD"));

        // Another node's store reads the pointer too; and a leftover of a rebuild that died is cleaned up.
        String leftover = base + "-g3-deadbeef";
        DynamoDbTables.createIfMissing(DYNAMO_DB, leftover, DynamoDbTotalsStore.INVOICE_NUMBER, null,
                Duration.ofSeconds(30));
        DynamoDbTotalsStore other = store(generations());
        assertThat(other.tableName()).isEqualTo(second);
        other.replaceAll(totals("C", "3"));

        String third = other.tableName();
        assertThat(third).startsWith(base + "-g3-").isNotEqualTo(leftover);
        // DeleteTable is asynchronous: a table is DELETING for a moment.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(exists(base)).as("two generations back: deleted").isFalse();
            assertThat(exists(leftover)).isFalse();
        });
        assertThat(exists(second)).as("the previous generation").isTrue();
        assertThat(generations.refresh(base).table()).isEqualTo(third);
        assertThat(store.find(new InvoiceNumber("C"))).isPresent();
        assertThat(store.find(new InvoiceNumber("A"))).isEmpty();
    }

    @Test
    void a_failed_fill_drops_its_table_and_leaves_the_pointer() {
        TableGenerations generations = generations();
        DynamoDbTotalsStore store = store(generations);
        List<String> created = new ArrayList<>();

        assertThatThrownBy(() -> generations.rebuild(base, DynamoDbTotalsStore.INVOICE_NUMBER, null, table -> {
            created.add(table);
            throw new IllegalStateException("DynamoDB refused the batch");
        })).hasMessageContaining("refused");

        assertThat(created).hasSize(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(exists(created.getFirst())).isFalse());
        assertThat(generations.refresh(base).table()).isEqualTo(base);
        assertThat(store.tableName()).isEqualTo(base);
    }

    @Test
    void a_rebuild_overtaken_by_another_node_does_not_flip_over_it() {
        TableGenerations slow = generations();
        TableGenerations fast = generations();
        store(slow);
        List<String> slowTable = new ArrayList<>();

        assertThatThrownBy(() -> slow.rebuild(base, DynamoDbTotalsStore.INVOICE_NUMBER, null, table -> {
            slowTable.add(table);
            // Meanwhile another node (which took the rebuild over) fills and flips its own generation.
            fast.rebuild(base, DynamoDbTotalsStore.INVOICE_NUMBER, null, t -> new Replaced(0, 0));
            return new Replaced(0, 0);
        })).hasMessageContaining("another rebuild won");

        TableGenerations.Pointer pointer = fast.refresh(base);
        assertThat(pointer.generation()).isEqualTo(2);
        assertThat(pointer.table()).isNotEqualTo(slowTable.getFirst());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(exists(slowTable.getFirst())).isFalse());
        assertThat(slow.refresh(base)).isEqualTo(pointer);
    }

    /**
     * A rebuild whose clean-up DynamoDB refuses (no {@code DeleteTable} permission) is still done: its pointer flipped,
     * and the old tables are left behind with a warning instead of failing the rebuild.
     */
    @Test
    void a_refused_clean_up_leaves_old_tables_but_the_rebuild_is_done() {
        DynamoDbClient refusingDeletes = DynamoDbClient.builder()
                .endpointOverride(DYNAMO_DB.serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                            @Override
                            public void beforeExecution(
                                    software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                                if (context.request() instanceof
                                        software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest) {
                                    throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder()
                                            .message("not authorized to perform dynamodb:DeleteTable").build();
                                }
                            }
                        }))
                .build();
        try (refusingDeletes) {
            TableGenerations generations = new TableGenerations(refusingDeletes, "Generations_" + run,
                    Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(30));
            generations.createTableIfMissing();
            DynamoDbTotalsStore store = new DynamoDbTotalsStore(refusingDeletes, base, USD, 2,
                    DynamoDbTables.BulkWrites.DEFAULT, generations);
            store.createTableIfMissing(Duration.ofSeconds(30));
            store.replaceAll(totals("A", "1"));
            String second = store.tableName();

            Replaced replaced = store.replaceAll(totals("A", "2"));

            assertThat(replaced.written()).isEqualTo(1);
            assertThat(generations.refresh(base).generation()).isEqualTo(3);
            assertThat(store.find(new InvoiceNumber("A")).orElseThrow().totals())
                    .containsExactly(Money.of("2", "USD"));
            assertThat(exists(base)).as("two generations back, left behind").isTrue();
            assertThat(exists(second)).isTrue();
        }
    }
}
