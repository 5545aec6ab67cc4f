package io.invoicestreams.adapters.eventstore;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A pooled connection to the event store's database: an H2 file (the embedded default) or PostgreSQL. Both use
 * Axon's PostgreSQL table definitions; H2 runs in its PostgreSQL mode for that (H2 2.x rejects Axon's defaults).
 */
public final class EventStoreDatabase {

    private EventStoreDatabase() {
    }

    /**
     * The H2 URL of a file database under {@code directory}.
     * <ul>
     *   <li>{@code WRITE_DELAY=0}: every commit is written to the file before it returns. H2's default writes
     *   commits in the background up to a second later, so a killed process loses what it had just committed:
     *   events, tokens and archive spool rows whose effects (DynamoDB writes, archive objects) are already out.
     *   The file is not forced to disk at each commit: a process crash loses nothing, a machine crash may
     *   (ADR 0011).</li>
     *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: otherwise H2's shutdown hook closes the database before Axon releases
     *   its token claims.</li>
     * </ul>
     */
    public static String h2FileUrl(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the event store folder " + directory + ": " + e.getMessage(), e);
        }
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("eventstore")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** The call timeout unless the configuration gives another ({@code invoice.store.call-timeout}). */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

    public static AgroalDataSource pool(String jdbcUrl, String user, String password, int maxSize) {
        return pool(jdbcUrl, user, password, maxSize, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * A pool of at most {@code maxSize} connections. On PostgreSQL, a log-in or a statement whose server stays silent
     * for {@code callTimeout} fails with a connection error (the driver's {@code loginTimeout} and
     * {@code socketTimeout}), and the pool then drops that connection: a database behind a black hole (a connection
     * accepted, never answered) fails calls instead of holding their threads for good. Values in the URL take
     * precedence. An embedded H2 has no socket to wait on.
     */
    public static AgroalDataSource pool(String jdbcUrl, String user, String password, int maxSize,
                                        Duration callTimeout) {
        return pool(jdbcUrl, user, password, maxSize, callTimeout, closed -> { });
    }

    /** H2's code for "The database has been closed": after a failed write (a full disk) H2 closes its file. */
    static final int H2_DATABASE_CLOSED = 90098;

    /**
     * Whether the failure says that an embedded H2 database closed itself. It does so when a write to its file fails
     * (a full disk, an I/O error); every connection of this process to it is dead then, and H2 cannot open the file
     * again in this process while the closed store keeps its lock, so only a new process can go on (ADR 0028).
     */
    public static boolean h2Closed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_CLOSED) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #pool(String, String, String, int, Duration)}, telling {@code h2ClosedItself} about each failure that
     * says an embedded H2 database closed itself ({@link #h2Closed}); such a connection is dropped.
     */
    public static AgroalDataSource pool(String jdbcUrl, String user, String password, int maxSize,
                                        Duration callTimeout, java.util.function.Consumer<SQLException> h2ClosedItself) {
        long timeoutSeconds = Math.max(1, callTimeout.toSeconds());
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("event store URL '" + jdbcUrl
                    + "' is not supported: use jdbc:h2:… or jdbc:postgresql:…");
        }
        AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(1)
                        .minSize(1)
                        .maxSize(maxSize)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        // A restarted database leaves dead connections in the pool: an error of the connection
                        // class (SQL state 08…) destroys the connection, and each one is checked before it is lent.
                        .exceptionSorter(failure -> {
                            if (h2Closed(failure)) {
                                h2ClosedItself.accept(failure);
                                return true;
                            }
                            return AgroalConnectionPoolConfiguration.ExceptionSorter.fatalExceptionSorter()
                                    .isFatal(failure);
                        })
                        .connectionValidator(AgroalConnectionPoolConfiguration.ConnectionValidator
                                .defaultValidatorWithTimeout(2))
                        .validateOnBorrow(true)
                        .connectionFactoryConfiguration(factory -> {
                            // The driver by name, not through DriverManager, which hides drivers registered by
                            // another class loader (a second Quarkus application in one JVM, as in tests).
                            factory.jdbcUrl(jdbcUrl).autoCommit(true).connectionProviderClassName(
                                    jdbcUrl.startsWith("jdbc:h2:") ? "org.h2.Driver" : "org.postgresql.Driver");
                            if (jdbcUrl.startsWith("jdbc:postgresql:")) {
                                // A batch of inserts goes as multi-row INSERTs, far fewer statements for the
                                // server (ADR 0021). Update counts then read "no info"; nothing here reads them.
                                // A reWriteBatchedInserts given in the URL takes precedence.
                                factory.jdbcProperty("reWriteBatchedInserts", "true");
                                factory.jdbcProperty("socketTimeout", Long.toString(timeoutSeconds));
                                factory.jdbcProperty("loginTimeout", Long.toString(timeoutSeconds));
                                factory.jdbcProperty("connectTimeout", Long.toString(Math.min(10, timeoutSeconds)));
                            }
                            if (user != null && !user.isEmpty()) {
                                factory.principal(new NamePrincipal(user));
                            }
                            if (password != null && !password.isEmpty()) {
                                factory.credential(new SimplePassword(password));
                            }
                            return factory;
                        }));
        try {
            return AgroalDataSource.from(configuration);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the event store database at " + jdbcUrl + ": "
                    + e.getMessage(), e);
        }
    }
}
