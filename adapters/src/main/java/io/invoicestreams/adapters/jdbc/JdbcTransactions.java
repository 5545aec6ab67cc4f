package io.invoicestreams.adapters.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;

/**
 * One JDBC transaction per thread, shared by everything that runs inside it: Axon's event storage engine, the
 * token store, the parked-record table and projection writes. A transaction started inside another joins it, so
 * a stream batch's events, its parked records and its shard checkpoint commit together or not at all.
 *
 * <p>Outside a transaction, {@link #getConnection()} hands out an auto-commit connection that the caller closes.
 */
public final class JdbcTransactions implements TransactionManager, ConnectionProvider {

    private final DataSource dataSource;
    private final ThreadLocal<Bound> current;
    private final boolean savepoints;

    public JdbcTransactions(DataSource dataSource) {
        this(Objects.requireNonNull(dataSource, "dataSource"), new ThreadLocal<>(), false);
    }

    private JdbcTransactions(DataSource dataSource, ThreadLocal<Bound> current, boolean savepoints) {
        this.dataSource = dataSource;
        this.current = current;
        this.savepoints = savepoints;
    }

    /**
     * The same transactions, except that a transaction started inside another is a savepoint: its rollback undoes
     * only its own work and the outer transaction goes on. A dead-letter queue needs this: the failed handling of a
     * parked event rolls back, and the outer transaction still records the new attempt. Costs a savepoint per
     * nested transaction, so only the processing groups with dead letters use it.
     */
    public JdbcTransactions withSavepoints() {
        return new JdbcTransactions(dataSource, current, true);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Transaction startTransaction() {
        Bound bound = current.get();
        if (bound != null) {
            if (savepoints && !bound.rollbackOnly) {
                try {
                    return new Nested(bound, bound.connection.setSavepoint());
                } catch (SQLException e) {
                    throw new JdbcFailure("could not set a savepoint: " + e.getMessage(), e);
                }
            }
            bound.depth++;
            return new Joined(bound);
        }
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            Bound fresh = new Bound(connection);
            current.set(fresh);
            return new Outer(fresh);
        } catch (SQLException e) {
            throw new JdbcFailure("could not start a database transaction: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        Bound bound = current.get();
        if (bound == null) {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            return connection;
        }
        return uncloseable(bound.connection);
    }

    /**
     * Runs {@code action} once this thread's transaction has committed, or now when there is none; never when it
     * rolls back. For work that must see what the transaction wrote, such as waking the readers of new events. A
     * failing action is logged: the transaction has committed already.
     */
    public void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        Bound bound = current.get();
        if (bound == null) {
            runQuietly(action);
        } else {
            bound.afterCommit.add(action);
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JdbcTransactions.class).warn("An after-commit action failed", e);
        }
    }

    /** True when this thread is inside a transaction. */
    public boolean inTransaction() {
        return current.get() != null;
    }

    private static Connection uncloseable(Connection connection) {
        return (Connection) Proxy.newProxyInstance(JdbcTransactions.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close", "commit", "rollback" -> {
                            if (method.getParameterCount() == 0) {
                                return null; // the transaction owner decides
                            }
                        }
                        case "setAutoCommit" -> {
                            return null;
                        }
                        default -> { }
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static final class Bound {
        final Connection connection;
        final java.util.List<Runnable> afterCommit = new java.util.ArrayList<>(1);
        int depth;
        boolean rollbackOnly;

        Bound(Connection connection) {
            this.connection = connection;
        }
    }

    private final class Outer implements Transaction {
        private final Bound bound;

        Outer(Bound bound) {
            this.bound = bound;
        }

        @Override
        public void commit() {
            try {
                if (bound.rollbackOnly) {
                    bound.connection.rollback();
                    throw new JdbcFailure("the transaction was marked for rollback by a joined part; rolled back",
                            null);
                }
                bound.connection.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new JdbcFailure("could not commit: " + e.getMessage(), e);
            } finally {
                release();
            }
            bound.afterCommit.forEach(JdbcTransactions::runQuietly);
        }

        @Override
        public void rollback() {
            try {
                rollbackQuietly();
            } finally {
                release();
            }
        }

        private void rollbackQuietly() {
            try {
                bound.connection.rollback();
            } catch (SQLException ignored) {
                // the connection is discarded below; the database rolls back on close
            }
        }

        private void release() {
            current.remove();
            try {
                bound.connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection; the pool validates it
            }
            try {
                bound.connection.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    private static final class Joined implements Transaction {
        private final Bound bound;

        Joined(Bound bound) {
            this.bound = bound;
        }

        @Override
        public void commit() {
            bound.depth--;
        }

        @Override
        public void rollback() {
            bound.depth--;
            bound.rollbackOnly = true;
        }
    }

    /** A transaction inside another, as a savepoint. */
    private static final class Nested implements Transaction {
        private final Bound bound;
        private final java.sql.Savepoint savepoint;

        Nested(Bound bound, java.sql.Savepoint savepoint) {
            this.bound = bound;
            this.savepoint = savepoint;
        }

        @Override
        public void commit() {
            try {
                bound.connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                bound.rollbackOnly = true;
                throw new JdbcFailure("could not release a savepoint: " + e.getMessage(), e);
            }
        }

        @Override
        public void rollback() {
            try {
                bound.connection.rollback(savepoint);
            } catch (SQLException e) {
                bound.rollbackOnly = true; // the outer transaction cannot go on without the undo
                throw new JdbcFailure("could not roll back to a savepoint: " + e.getMessage(), e);
            }
        }
    }

    /** A database failure, with the statement's reason. */
    public static final class JdbcFailure extends RuntimeException {
        public JdbcFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
