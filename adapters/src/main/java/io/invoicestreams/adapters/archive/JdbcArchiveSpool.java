package io.invoicestreams.adapters.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.invoicestreams.adapters.jdbc.JdbcTransactions.JdbcFailure;
import io.invoicestreams.adapters.jdbc.JdbcRowLock;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.adapters.json.InvoiceJson;
import io.invoicestreams.projections.audit.ArchiveRecord;
import io.invoicestreams.projections.audit.ArchiveSpool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The archive spool in the event store's database ({@code archive_spool}). A line is spooled in the archive
 * processor's transaction, sealed into an object key by the flusher, and deleted once that object is stored. A row
 * is sealed once, so an object retried after a crash holds exactly the lines it held the first time.
 *
 * <p>Nodes that share the store share the spool, so only one of them flushes at a time: {@link #alone} holds the
 * {@link JdbcRowLock} of {@code archive_flush_lock} while the flush runs, so no two nodes ever store the same
 * object.
 */
public final class JdbcArchiveSpool implements ArchiveSpool {

    static final String TABLE = "archive_spool";
    static final String LOCK = "archive_flush_lock";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/").withZone(ZoneOffset.UTC);

    private final JdbcTransactions transactions;
    private final Clock clock;
    private final JdbcRowLock lock;
    private final ObjectMapper json = InvoiceJson.objectMapper().copy()
            .disable(SerializationFeature.INDENT_OUTPUT);

    /** One spooled line. */
    public record Line(long position, String hourPrefix, String json, int bytes, Instant spooledAt) {
    }

    /** What waits to be sealed. */
    public record Pending(long lines, long bytes, Instant oldestSpooledAt) {
    }

    public JdbcArchiveSpool(JdbcTransactions transactions, Clock clock) {
        this(transactions, clock, transactions.dataSource());
    }

    /**
     * @param lockSource where the flush lock's connection comes from. The service gives it a pool of its own, so
     *                   that a flush never holds one of the connections the processors and requests wait for.
     */
    public JdbcArchiveSpool(JdbcTransactions transactions, Clock clock, javax.sql.DataSource lockSource) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lock = new JdbcRowLock(transactions, LOCK, lockSource);
    }

    public void createSchema() {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                        + "position BIGINT NOT NULL PRIMARY KEY, "
                        + "hour_prefix VARCHAR(16) NOT NULL, "
                        + "line VARCHAR(1000000) NOT NULL, "
                        + "line_bytes INTEGER NOT NULL, "
                        + "spooled_at BIGINT NOT NULL, "
                        + "object_key VARCHAR(1024))");
                s.execute("CREATE INDEX IF NOT EXISTS archive_spool_object_key ON " + TABLE + " (object_key)");
            } catch (SQLException e) {
                throw new JdbcFailure("cannot create " + TABLE + ": " + e.getMessage(), e);
            }
        });
        lock.createSchema();
    }

    /**
     * Runs the work while this node alone holds the flush lock, or answers {@code otherwise} at once when another
     * node holds it (that node flushes the same spool). The lock is a row lock in a transaction of its own, on a
     * connection of its own from the lock source; the work's own transactions commit as they go.
     */
    public <T> T alone(java.util.function.Supplier<T> work, T otherwise) {
        return lock.alone(work, otherwise);
    }

    /** The hour folder of an event time, in UTC: {@code 2026/11/24/10/}. */
    public static String hourPrefix(Instant time) {
        return HOUR.format(time);
    }

    @Override
    public void append(ArchiveRecord record) {
        String line;
        try {
            line = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the archive line of position " + record.position(), e);
        }
        String sql = "INSERT INTO " + TABLE + " (position, hour_prefix, line, line_bytes, spooled_at)"
                + " SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE position = ?)";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, record.position());
            ps.setString(2, hourPrefix(record.time()));
            ps.setString(3, line);
            ps.setInt(4, line.getBytes(StandardCharsets.UTF_8).length + 1);
            ps.setLong(5, clock.millis());
            ps.setLong(6, record.position());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new JdbcFailure("cannot spool archive line " + record.position() + ": " + e.getMessage(), e);
        }
    }

    /** The lines not yet sealed into an object. */
    public Pending pending() {
        return query("SELECT COUNT(*), COALESCE(SUM(line_bytes), 0), MIN(spooled_at) FROM " + TABLE
                + " WHERE object_key IS NULL", ps -> { }, rs -> {
            rs.next();
            long oldest = rs.getLong(3);
            boolean none = rs.wasNull(); // asked at once: it answers for the column read last
            return new Pending(rs.getLong(1), rs.getLong(2), none ? null : Instant.ofEpochMilli(oldest));
        });
    }

    /** Unsealed lines in position order, at most {@code limit}. */
    public List<Line> unsealed(int limit) {
        return query("SELECT position, hour_prefix, line, line_bytes, spooled_at FROM " + TABLE
                + " WHERE object_key IS NULL ORDER BY position", ps -> ps.setMaxRows(limit), JdbcArchiveSpool::lines);
    }

    /** Seals the given lines into the object key; lines sealed meanwhile by another node keep their key. */
    public void seal(String key, List<Line> lines) {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + TABLE + " SET object_key = ? WHERE position = ? AND object_key IS NULL")) {
                for (Line line : lines) {
                    ps.setString(1, key);
                    ps.setLong(2, line.position());
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new JdbcFailure("cannot seal archive object " + key + ": " + e.getMessage(), e);
            }
        });
    }

    /** The keys sealed but not yet stored (left by a crash or a failed write, or just sealed). */
    public List<String> sealedKeys() {
        return query("SELECT DISTINCT object_key FROM " + TABLE + " WHERE object_key IS NOT NULL ORDER BY object_key",
                ps -> { }, rs -> {
                    List<String> keys = new ArrayList<>();
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                    return keys;
                });
    }

    /** The lines sealed into the key, in position order. */
    public List<Line> sealed(String key) {
        return query("SELECT position, hour_prefix, line, line_bytes, spooled_at FROM " + TABLE
                + " WHERE object_key = ? ORDER BY position", ps -> ps.setString(1, key), JdbcArchiveSpool::lines);
    }

    /** Forgets the lines of a stored object. */
    public void delete(String key) {
        transactions.executeInTransaction(() -> {
            try (Connection c = transactions.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE object_key = ?")) {
                ps.setString(1, key);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new JdbcFailure("cannot delete the spooled lines of " + key + ": " + e.getMessage(), e);
            }
        });
    }

    private static List<Line> lines(ResultSet rs) throws SQLException {
        List<Line> lines = new ArrayList<>();
        while (rs.next()) {
            lines.add(new Line(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                    Instant.ofEpochMilli(rs.getLong(5))));
        }
        return lines;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        return transactions.fetchInTransaction(() -> {
            try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return reader.read(rs);
                }
            } catch (SQLException e) {
                throw new JdbcFailure("cannot read " + TABLE + ": " + e.getMessage(), e);
            }
        });
    }
}
