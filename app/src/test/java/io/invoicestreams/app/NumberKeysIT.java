package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * A table made the way the seed writes its items, {@code "InvoiceNumber": 1212121}: both keys are numbers, and its
 * stream carries the keys only, so every change is read back with a GetItem by number. The packaged service
 * bootstraps the items written before it, follows the stream, and answers the REST queries (paged by number) with
 * totals equal to sums computed here.
 */
class NumberKeysIT {

    private ServiceFixture fixture;
    private final Map<String, BigDecimal> expected = new LinkedHashMap<>();
    private int changes;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Map<String, AttributeValue> key(long invoice, long transaction) {
        return Map.of("InvoiceNumber", AttributeValue.fromN(Long.toString(invoice)),
                "TransactionIdentifier", AttributeValue.fromN(Long.toString(transaction)));
    }

    /** Writes a transaction as the seed does, with numeric keys and a dollar amount. */
    private void put(long invoice, long transaction, int dollars) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(invoice, transaction));
        item.put("Amount", AttributeValue.fromS("$" + dollars));
        item.put("Trans_country", AttributeValue.fromS("USA"));
        fixture.users.putItem(b -> b.tableName(fixture.table()).item(item));
        expected.merge(Long.toString(invoice), BigDecimal.valueOf(dollars), BigDecimal::add);
        changes++;
    }

    @Test
    void a_table_keyed_by_numbers_is_bootstrapped_followed_and_queried() throws Exception {
        fixture = new ServiceFixture("Numbers");
        fixture.users.createTable(b -> b.tableName(fixture.table()).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("InvoiceNumber")
                                .attributeType(ScalarAttributeType.N).build(),
                        AttributeDefinition.builder().attributeName("TransactionIdentifier")
                                .attributeType(ScalarAttributeType.N).build())
                .keySchema(KeySchemaElement.builder().attributeName("InvoiceNumber").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("TransactionIdentifier").keyType(KeyType.RANGE)
                                .build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY)));
        // Written before the service followed the table: the bootstrap reads them from the table.
        for (int t = 1; t <= 4; t++) {
            put(1212121, t, t * 10);
        }
        put(1212122, 1, 7);
        ServiceChecks.createSchema(fixture.schema);
        assertThat(new ServiceProcess(fixture.settings, fixture.data.resolve("bootstrap.log"))
                .run(Duration.ofMinutes(2), "bootstrap")).as("bootstrap of a table keyed by numbers").isZero();
        ServiceProcess service = fixture.startOnExistingSchema();

        // Followed from its stream, keys only: a new invoice, more transactions, a correction and a removal.
        for (int t = 5; t <= 12; t++) {
            put(1212121, t, t);
        }
        put(1212123, 99, 1000);
        // A keys-only record is read back as the item stands when it is read: the correction waits until the insert
        // was read, or both records would read $0 and the store would hold one event, not two.
        await().atMost(Duration.ofSeconds(30)).until(() -> ServiceChecks.totalsMatch(service,
                Map.of("1212123", new BigDecimal("1000"))));
        fixture.users.updateItem(b -> b.tableName(fixture.table()).key(key(1212123, 99))
                .updateExpression("SET Amount = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromS("$0"))));
        expected.put("1212123", BigDecimal.ZERO);
        changes++;
        fixture.users.deleteItem(b -> b.tableName(fixture.table()).key(key(1212122, 1)));
        expected.put("1212122", BigDecimal.ZERO);
        changes++;

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ServiceChecks.storedEvents(fixture.schema) == changes
                        && ServiceChecks.totalsMatch(service, expected));
        assertThat(ServiceChecks.JSON.readTree(service.get("/projections").body()).get("parkedStreamRecords")
                .asLong()).as("nothing parked").isZero();

        // The transactions of an invoice, two at a time, as a Query on the table gives them.
        List<String> paged = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ServiceChecks.JSON.readTree(service.get("/invoices/1212121/transactions?limit=2"
                    + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))).body());
            page.get("transactions").forEach(t -> paged.add(t.get("TransactionIdentifier").asText()));
            next = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (next != null);
        List<String> queried = fixture.users.query(b -> b.tableName(fixture.table())
                        .keyConditionExpression("InvoiceNumber = :i")
                        .expressionAttributeValues(Map.of(":i", AttributeValue.fromN("1212121"))))
                .items().stream().map(i -> i.get("TransactionIdentifier").n()).toList();
        assertThat(paged).as("every transaction once, in the table's order").containsExactlyElementsOf(queried)
                .hasSize(12);
        assertThat(new TreeSet<>(paged)).hasSize(12);

        var prefixed = service.get("/invoices/1212121/transactions?prefix=1");
        assertThat(prefixed.statusCode()).isEqualTo(400);
        assertThat(prefixed.body()).contains("prefix needs a string TransactionIdentifier");
        var history = ServiceChecks.JSON.readTree(service.get("/invoices/1212123/events").body());
        assertThat(history.get("events")).extracting(e -> e.get("type").asText())
                .containsExactly("TransactionRecorded", "TransactionAmountCorrected");
    }
}
