package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.notifications.EmbeddedSqs;
import io.invoicestreams.adapters.support.InvoiceItems;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The README's {@code bootstrap}, as the packaged service's command: a table whose items were written before its
 * stream was enabled is taken in, the service then follows the stream, and its totals equal the table's sums. The
 * imported invoices request no payment and raise no alert; the invoice the stream saw created does, and so does a
 * later change to zero. Run next to a running service, the command is refused.
 */
class BootstrapIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String schema = "boot_" + run.replace('-', '_');
    private final DynamoDbClients local = LocalDynamoDb.clients();
    private final DynamoDbClient users = local.dynamoDb();
    private final String table = "Boot_" + run;
    private final InvoiceItems items = new InvoiceItems(users, table);
    private final Map<String, BigDecimal> sums = new HashMap<>();
    private ServiceProcess service;
    private EmbeddedSqs elasticMq;
    private SqsClient sqs;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (elasticMq != null) {
            elasticMq.close();
        }
        users.close();
    }

    private void put(String invoice, String transaction, int amount) {
        items.put(invoice, transaction, "$" + amount, "USA", "06062016");
        sums.merge(invoice, BigDecimal.valueOf(amount), BigDecimal::add);
    }

    @Test
    void a_table_with_history_is_bootstrapped_then_followed_and_only_new_invoices_notify() throws Exception {
        InvoiceItems.createTableWithoutStream(users, table);
        for (int i = 0; i < 300; i++) {
            put(Integer.toString(8_000_000 + i % 30), "T" + i, i == 7 ? 0 : i % 40 + 1);
        }
        users.updateTable(b -> b.tableName(table).streamSpecification(s -> s.streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        put("8100000", "N1", 25); // the stream sees this invoice created

        ServiceChecks.createSchema(schema);
        elasticMq = EmbeddedSqs.start(0);
        sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(elasticMq.endpoint()), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
        Path data = Files.createTempDirectory("boot-" + run);
        Map<String, String> settings = ServiceChecks.withSharedQueues(ServiceChecks.settings(data, "Boot", run,
                local.endpoint().orElseThrow(), TestDatabases.PG_URL + "?currentSchema=" + schema),
                elasticMq.endpoint(), run);
        settings.put("invoice.table", table);
        service = new ServiceProcess(settings, data.resolve("service.log"));

        assertThat(service.run(Duration.ofMinutes(3), "bootstrap", "--page-size", "50")).isZero();
        assertThat(Files.readString(data.resolve("service.log")))
                .contains("bootstrap: done in").contains("300 imported");

        service.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> ServiceChecks.totalsMatch(service, sums));
        // From another host (its own data folder) on the same store: refused while the service follows it.
        Path elsewhere = Files.createTempDirectory("boot-elsewhere-" + run);
        Map<String, String> other = new HashMap<>(settings);
        other.put("invoice.data-dir", elsewhere.toString());
        assertThat(new ServiceProcess(other, elsewhere.resolve("command.log")).run(Duration.ofMinutes(2), "bootstrap"))
                .as("refused next to a running service").isEqualTo(1);
        assertThat(Files.readString(elsewhere.resolve("command.log")))
                .contains("invoice-streams: bootstrap: 1 service node(s) follow this event store now; stop them first");

        items.setAmount("8000011", "T11", "$0");
        sums.merge("8000011", BigDecimal.valueOf(-12), BigDecimal::add);
        await().atMost(Duration.ofSeconds(30)).until(() -> ServiceChecks.totalsMatch(service, sums));
        await().atMost(Duration.ofSeconds(30)).until(() -> ServiceChecks.storedEvents(schema) == 302);

        assertThat(ServiceChecks.drain(sqs, "pay-" + run + ".fifo"))
                .extracting(m -> m.messageAttributes().get("invoiceNumber").stringValue())
                .containsExactly("8100000");
        assertThat(ServiceChecks.drain(sqs, "alert-" + run + ".fifo"))
                .as("one alert, for the change to zero; none for T7, imported at zero")
                .extracting(m -> m.messageAttributes().get("invoiceNumber").stringValue())
                .containsExactly("8000011");
    }
}
