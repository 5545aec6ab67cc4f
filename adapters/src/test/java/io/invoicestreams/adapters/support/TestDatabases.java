package io.invoicestreams.adapters.support;

import io.invoicestreams.adapters.eventstore.EventStoreDatabase;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Event store databases for tests: a fresh H2 (PostgreSQL mode, as the service runs it) or a fresh schema in the
 * real PostgreSQL on 127.0.0.1:5432, which .ci/run starts when it is down.
 */
public enum TestDatabases {
    H2, POSTGRESQL;

    public static final String PG_URL = System.getProperty("test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getProperty("test.postgres.user", "postgres");

    public JdbcTransactions fresh() {
        String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return switch (this) {
            case H2 -> new JdbcTransactions(EventStoreDatabase.pool("jdbc:h2:mem:" + name
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "", 4));
            case POSTGRESQL -> {
                try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException("PostgreSQL is not reachable at " + PG_URL
                            + " (.ci/run starts it): " + e.getMessage(), e);
                }
                yield new JdbcTransactions(EventStoreDatabase.pool(PG_URL + "?currentSchema=" + name, PG_USER, "", 4));
            }
        };
    }
}
