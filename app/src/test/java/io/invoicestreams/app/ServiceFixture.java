package io.invoicestreams.app;

import static org.awaitility.Awaitility.await;

import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.adapters.support.LocalDynamoDb;
import io.invoicestreams.adapters.support.LocalOpenSearch;
import io.invoicestreams.adapters.support.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One packaged service under test, with its own table, read-model tables and PostgreSQL schema, named
 * {@code {name}_{run}}: DynamoDB Local and PostgreSQL each behind a proxy the test can cut or black-hole, and OpenSearch
 * behind one too when the test asks for it. Users write to the table with {@link #writes}. Closing it stops the
 * service and the proxies.
 */
final class ServiceFixture implements AutoCloseable {

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String name;
    final DynamoDbClients local = LocalDynamoDb.clients();
    final DynamoDbClient users = local.dynamoDb();
    final TcpProxy dynamoDbProxy = TcpProxy.to(local.endpoint().orElseThrow().getPort());
    final TcpProxy postgresProxy = TcpProxy.to(5432);
    final String schema;
    final Path data;
    final Map<String, String> settings;
    private TcpProxy openSearchProxy;
    private ServiceProcess service;

    /** @param name the test's name for its tables and schema, such as {@code Outage} */
    ServiceFixture(String name) throws Exception {
        this.name = name;
        this.schema = name.toLowerCase(java.util.Locale.ROOT) + "_" + run.replace('-', '_');
        this.data = Files.createTempDirectory(name.toLowerCase(java.util.Locale.ROOT) + "-" + run);
        this.settings = ServiceChecks.settings(data, name, run, dynamoDbProxy.endpoint(),
                "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/test?currentSchema=" + schema);
        settings.put("invoice.notifications.sqs.embedded-port", "0");
    }

    /** The user's table. */
    String table() {
        return name + "_" + run;
    }

    /** The totals' table. */
    String totalsTable() {
        return name + "Total_" + run;
    }

    /**
     * Users writing to the table: transaction n to invoice {@code firstInvoice + n % invoices}, each with an
     * {@code InvoiceDoc} whose vendor is {@code "{name} {run}"}, so that search finds every change by the run.
     */
    UserWrites writes(int firstInvoice, int invoices) {
        return new UserWrites(users, table(), firstInvoice, invoices, name + " " + run);
    }

    /** Search on the shared OpenSearch node, through a proxy of its own, in an index of this run. */
    ServiceFixture withOpenSearch() {
        openSearchProxy = TcpProxy.to(LocalOpenSearch.endpoint().getPort());
        settings.put("invoice.search.engine", "opensearch");
        settings.put("invoice.search.opensearch.endpoint", openSearchProxy.endpoint().toString());
        settings.put("invoice.search.opensearch.index", name.toLowerCase(java.util.Locale.ROOT) + "-" + run);
        return this;
    }

    TcpProxy openSearchProxy() {
        return java.util.Objects.requireNonNull(openSearchProxy, "withOpenSearch() was not called");
    }

    /** Makes the schema and starts the service; returns when it answers on HTTP. */
    ServiceProcess start() throws Exception {
        ServiceChecks.createSchema(schema);
        service = new ServiceProcess(settings, data.resolve("service.log")).start();
        return service;
    }

    /** Starts the service on the schema a command already made (a bootstrap, say). */
    ServiceProcess startOnExistingSchema() {
        service = new ServiceProcess(settings, data.resolve("service.log")).start();
        return service;
    }

    ServiceProcess service() {
        return service;
    }

    /** How many changes of this run search finds, or -1 when it does not answer. */
    long searchable() throws Exception {
        return ServiceChecks.searchable(service, run);
    }

    /**
     * Waits until the store holds every change of {@code writes} once and the totals equal the table's sums, and
     * with {@code searched} until search finds each; returns how long that took from {@code since}.
     */
    Duration awaitCaughtUp(UserWrites writes, Instant since, boolean searched) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> ServiceChecks.storedEvents(schema) == writes.changes()
                        && ServiceChecks.totalsMatch(service, writes.expected())
                        && (!searched || searchable() == writes.changes()));
        return Duration.between(since, Instant.now());
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
        dynamoDbProxy.close();
        postgresProxy.close();
        if (openSearchProxy != null) {
            openSearchProxy.close();
        }
        users.close();
    }
}
