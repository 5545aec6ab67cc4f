package io.invoicestreams.adapters.jdbc;

import io.invoicestreams.domain.invoice.SequenceNumber;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bootstrap runs of each table, in the event store's database ({@code table_bootstrap}): where the stream stood
 * when a run's scan had ended (its marker record), and whether the run finished (ADR 0017). Also the run's spool
 * ({@code bootstrap_item}): the items its scan read, kept until the stream up to the marker has been read.
 */
public final class BootstrapRuns {

    static final String TABLE = "table_bootstrap";
    static final String SPOOL = "bootstrap_item";

    private final JdbcTransactions transactions;

    /** One bootstrap run. {@code finishedAt} and {@code items} are null until its scan has finished. */
    public record Run(String runId, String tableName, SequenceNumber marker, Instant markerTime, Instant startedAt,
                      Instant finishedAt, Long items) {
    }

    public BootstrapRuns(JdbcTransactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    public void createSchema() {
        try (Connection c = transactions.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + "run_id VARCHAR(64) NOT NULL PRIMARY KEY, "
                    + "table_name VARCHAR(255) NOT NULL, "
                    + "marker_sequence VARCHAR(40) NOT NULL, "
                    + "marker_time TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "started_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "finished_at TIMESTAMP WITH TIME ZONE, "
                    + "items BIGINT)");
            s.execute("CREATE TABLE IF NOT EXISTS " + SPOOL + " ("
                    + "run_id VARCHAR(64) NOT NULL, "
                    + "n BIGINT NOT NULL, "
                    + "item TEXT NOT NULL, "
                    + "PRIMARY KEY (run_id, n))");
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not create " + TABLE + ": " + e.getMessage(), e);
        }
    }

    public void started(String runId, String tableName, SequenceNumber marker, Instant markerTime, Instant now) {
        update("INSERT INTO " + TABLE + " (run_id, table_name, marker_sequence, marker_time, started_at)"
                + " VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, runId);
            ps.setString(2, tableName);
            ps.setString(3, marker.value());
            ps.setTimestamp(4, Timestamp.from(markerTime));
            ps.setTimestamp(5, Timestamp.from(now));
        });
    }

    public void finished(String runId, long items, Instant now) {
        update("UPDATE " + TABLE + " SET finished_at = ?, items = ? WHERE run_id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, items);
            ps.setString(3, runId);
        });
    }

    /** The runs of a table, oldest first. */
    public List<Run> runs(String tableName) {
        String sql = "SELECT run_id, table_name, marker_sequence, marker_time, started_at, finished_at, items FROM "
                + TABLE + " WHERE table_name = ? ORDER BY started_at, run_id";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tableName);
            List<Run> runs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp finished = rs.getTimestamp(6);
                    long items = rs.getLong(7);
                    runs.add(new Run(rs.getString(1), rs.getString(2), new SequenceNumber(rs.getString(3)),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(),
                            finished == null ? null : finished.toInstant(), rs.wasNull() ? null : items));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not read " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /** The table's latest finished bootstrap, if any. */
    public Optional<Run> latestFinished(String tableName) {
        return runs(tableName).stream().filter(r -> r.finishedAt() != null)
                .max(Comparator.comparing(Run::finishedAt));
    }

    /** Spools scanned items of a run, numbered from {@code first}, in one transaction. */
    public void spool(String runId, long first, List<String> items) {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + SPOOL + " (run_id, n, item) VALUES (?, ?, ?)")) {
                long n = first;
                for (String item : items) {
                    ps.setString(1, runId);
                    ps.setLong(2, n++);
                    ps.setString(3, item);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("could not spool " + items.size() + " scanned items: "
                        + e.getMessage(), e);
            }
        });
    }

    /** Spooled items of a run after number {@code after}, in order, at most {@code limit}; with their numbers. */
    public List<java.util.Map.Entry<Long, String>> spooled(String runId, long after, int limit) {
        String sql = "SELECT n, item FROM " + SPOOL + " WHERE run_id = ? AND n > ? ORDER BY n LIMIT ?";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setLong(2, after);
            ps.setInt(3, limit);
            List<java.util.Map.Entry<Long, String>> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(java.util.Map.entry(rs.getLong(1), rs.getString(2)));
                }
            }
            return items;
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not read the spooled items of " + runId + ": "
                    + e.getMessage(), e);
        }
    }

    /** Drops a run's spool. */
    public void forgetSpool(String runId) {
        update("DELETE FROM " + SPOOL + " WHERE run_id = ?", ps -> ps.setString(1, runId));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new JdbcTransactions.JdbcFailure("could not write " + TABLE + ": " + e.getMessage(), e);
            }
        });
    }
}
