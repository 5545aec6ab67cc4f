package io.invoicestreams.adapters.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Stream records that could not become events, each with its raw content and the reason, in the event store's
 * database. A record is parked in the transaction that checkpoints past it, so it is never dropped: either the
 * record is parked and the shard moves on, or neither happens. Parking the same record twice keeps one row
 * (portable SQL: H2's PostgreSQL mode has no ON CONFLICT).
 */
public final class ParkedRecords {

    static final String TABLE = "parked_stream_record";

    private final JdbcTransactions transactions;
    private final Clock clock;

    public ParkedRecords(JdbcTransactions transactions, Clock clock) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One parked record. */
    public record Parked(String eventId, String shardId, String sequenceNumber, String reason, String rawRecord,
                         Instant parkedAt) {
    }

    public void createSchema() {
        execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                + "event_id VARCHAR(255) NOT NULL PRIMARY KEY, "
                + "shard_id VARCHAR(255) NOT NULL, "
                + "sequence_number VARCHAR(40), "
                + "reason VARCHAR(4000) NOT NULL, "
                + "raw_record TEXT NOT NULL, "
                + "parked_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    }

    /** Parks the records inside the caller's transaction (or on their own when there is none). */
    public void park(List<Parked> records) {
        if (records.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO " + TABLE + " (event_id, shard_id, sequence_number, reason, raw_record, parked_at)"
                + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM " + TABLE + " WHERE event_id = ?)";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (Parked p : records) {
                ps.setString(1, p.eventId());
                ps.setString(2, p.shardId());
                ps.setString(3, p.sequenceNumber());
                ps.setString(4, p.reason().length() > 4000 ? p.reason().substring(0, 3990) + "…" : p.reason());
                ps.setString(5, p.rawRecord());
                ps.setTimestamp(6, Timestamp.from(p.parkedAt() == null ? clock.instant() : p.parkedAt()));
                ps.setString(7, p.eventId());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not park " + records.size() + " stream records: "
                    + e.getMessage(), e);
        }
    }

    /** The parked records, oldest first. */
    public List<Parked> list(int offset, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY parked_at, event_id LIMIT ? OFFSET ?";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
            List<Parked> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parked(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not list parked stream records: " + e.getMessage(), e);
        }
    }

    /** The parked record with this event id. */
    public java.util.Optional<Parked> find(String eventId) {
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE event_id = ?";
        try (Connection c = transactions.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(parked(rs)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not read parked stream record " + eventId + ": "
                    + e.getMessage(), e);
        }
    }

    /** Forgets the parked record, in the caller's transaction if any; false when there was none. */
    public boolean delete(String eventId) {
        try (Connection c = transactions.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE event_id = ?")) {
            ps.setString(1, eventId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not drop parked stream record " + eventId + ": "
                    + e.getMessage(), e);
        }
    }

    private static final String COLUMNS = "event_id, shard_id, sequence_number, reason, raw_record, parked_at";

    private static Parked parked(ResultSet rs) throws SQLException {
        return new Parked(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getTimestamp(6).toInstant());
    }

    public long count() {
        try (Connection c = transactions.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not count parked stream records: " + e.getMessage(), e);
        }
    }

    private void execute(String ddl) {
        try (Connection c = transactions.getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new JdbcTransactions.JdbcFailure("could not create " + TABLE + ": " + e.getMessage(), e);
        }
    }
}
