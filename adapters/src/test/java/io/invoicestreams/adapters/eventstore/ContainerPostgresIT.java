package io.invoicestreams.adapters.eventstore;

import static io.invoicestreams.domain.invoice.InvoiceFixture.CLIENT1_TRANS1;
import static io.invoicestreams.domain.invoice.InvoiceFixture.apply;
import static io.invoicestreams.domain.invoice.InvoiceFixture.details;
import static io.invoicestreams.domain.invoice.InvoiceFixture.written;
import static io.invoicestreams.domain.invoice.InvoiceFixture.USA;
import static org.assertj.core.api.Assertions.assertThat;

import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The event store on a PostgreSQL container, for machines with Docker. It is an extra: the same store is always
 * tested against the real PostgreSQL on 127.0.0.1:5432 (StreamIngestionIT, CrashRecoveryIT).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPostgresIT {

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:15-alpine");

    @Test
    void events_are_stored_and_read_back_on_a_container_postgresql() {
        JdbcTransactions db = new JdbcTransactions(EventStoreDatabase.pool(POSTGRES.getJdbcUrl(),
                POSTGRES.getUsername(), POSTGRES.getPassword(), 2));
        try (InvoiceEventStore store = InvoiceEventStore.start(db, "container", Duration.ofSeconds(5),
                Clock.systemUTC(), c -> { })) {
            db.executeInTransaction(() -> store.commandGateway().sendAndWait(
                    apply(written(CLIENT1_TRANS1, 1, details("100", USA)))));
            assertThat(store.readAll()).hasSize(1);
        }
    }
}
