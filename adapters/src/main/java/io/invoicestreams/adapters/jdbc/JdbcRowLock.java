package io.invoicestreams.adapters.jdbc;

import io.invoicestreams.adapters.jdbc.JdbcTransactions.JdbcFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Work that one node at a time does for all the nodes that share a store: the row lock of a one-row table, held
 * on a connection of its own while the work runs. The lock goes with that connection, so a node that dies or loses
 * the database lets the others go on at once, and a node that only pauses keeps it, so no two nodes ever do the
 * work side by side.
 */
public final class JdbcRowLock {

    private final JdbcTransactions transactions;
    private final String table;
    private final DataSource lockSource;

    /**
     * @param table      the lock's table, made by {@link #createSchema()}
     * @param lockSource where the lock's connection comes from. The service gives it a pool of its own, so that
     *                   the work never holds one of the connections the processors and requests wait for.
     */
    public JdbcRowLock(JdbcTransactions transactions, String table, DataSource lockSource) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.table = Objects.requireNonNull(table, "table");
        this.lockSource = Objects.requireNonNull(lockSource, "lockSource");
    }

    /** Makes the table and its one row; nodes that start together may race, and one of them inserts the row. */
    public void createSchema() {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id INTEGER NOT NULL PRIMARY KEY)");
            } catch (SQLException e) {
                throw new JdbcFailure("cannot create " + table + ": " + e.getMessage(), e);
            }
        });
        try {
            transactions.executeInTransaction(() -> {
                try (Connection c = transactions.getConnection(); Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO " + table + " (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM " + table
                            + " WHERE id = 1)");
                } catch (SQLException e) {
                    throw new JdbcFailure("cannot create the row of " + table + ": " + e.getMessage(), e);
                }
            });
        } catch (JdbcFailure raced) {
            if (!rowExists()) { // else another node inserted it first
                throw raced;
            }
        }
    }

    private boolean rowExists() {
        return transactions.fetchInTransaction(() -> {
            try (Connection c = transactions.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE id = 1")) {
                return rs.next() && rs.getLong(1) == 1;
            } catch (SQLException e) {
                throw new JdbcFailure("cannot read " + table + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * Runs the work while this node alone holds the lock, or answers {@code otherwise} at once when another node
     * holds it. The work's own transactions commit as they go.
     */
    public <T> T alone(Supplier<T> work, T otherwise) {
        if (transactions.inTransaction()) {
            throw new IllegalStateException("work under " + table + " runs outside any other transaction");
        }
        try (Connection lock = lockSource.getConnection()) {
            lock.setAutoCommit(false);
            try {
                boolean mine;
                try (Statement s = lock.createStatement();
                     ResultSet rs = s.executeQuery("SELECT id FROM " + table + " WHERE id = 1 FOR UPDATE SKIP LOCKED")) {
                    mine = rs.next();
                }
                return mine ? work.get() : otherwise;
            } finally {
                lock.rollback();
                lock.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new JdbcFailure("cannot take the lock of " + table + ": " + e.getMessage(), e);
        }
    }
}
