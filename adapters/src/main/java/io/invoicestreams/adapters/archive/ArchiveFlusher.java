package io.invoicestreams.adapters.archive;

import io.invoicestreams.projections.audit.AuditArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the spool out as the archive's objects, as Firehose buffers: when the unsealed lines reach the buffer
 * size, or the oldest of them has waited the buffer interval, whichever comes first. Lines are sealed into objects
 * of at most the buffer size, one UTC hour each, named from their first and last position; each object is gzip JSON
 * lines. A sealed object is stored, then its lines leave the spool, so a crash in between stores the same object
 * again under the same key. An object the store still refuses after three attempts goes under
 * {@code errors/archive-write-failed/YYYY/MM/DD/HH/} with a file that gives the reason.
 *
 * <p>Nodes that share the spool flush one at a time ({@link JdbcArchiveSpool#alone}): a node whose turn it is not
 * does nothing, and the node that holds the lock stores everything.
 */
public final class ArchiveFlusher {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveFlusher.class);
    static final String ERROR_PREFIX = "errors/archive-write-failed/";

    /**
     * @param prefix    key prefix of the objects, such as {@code Invoice/}
     * @param sizeBytes buffer size: flush at this many bytes of lines, and the largest object
     * @param interval  buffer interval: flush when the oldest line has waited this long
     */
    public record Settings(String prefix, long sizeBytes, Duration interval) {
        public Settings {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(interval, "interval");
            if (sizeBytes < 1) {
                throw new IllegalArgumentException("the archive buffer size must be positive");
            }
        }
    }

    /** What one flush did. */
    public record Flushed(int objects, long lines, long bytes, long compressedBytes, int errorObjects) {
        static final Flushed NOTHING = new Flushed(0, 0, 0, 0, 0);

        Flushed plus(Flushed other) {
            return new Flushed(objects + other.objects, lines + other.lines, bytes + other.bytes,
                    compressedBytes + other.compressedBytes, errorObjects + other.errorObjects);
        }
    }

    private final JdbcArchiveSpool spool;
    private final AuditArchive archive;
    private final Settings settings;
    private final Clock clock;
    private final Duration retryPause;

    public ArchiveFlusher(JdbcArchiveSpool spool, AuditArchive archive, Settings settings, Clock clock,
                          Duration retryPause) {
        this.spool = Objects.requireNonNull(spool, "spool");
        this.archive = Objects.requireNonNull(archive, "archive");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryPause = Objects.requireNonNull(retryPause, "retryPause");
    }

    /** True when the buffer is full or its oldest line has waited the interval. */
    public boolean due() {
        JdbcArchiveSpool.Pending pending = spool.pending();
        return pending.lines() > 0 && (pending.bytes() >= settings.sizeBytes()
                || !pending.oldestSpooledAt().plus(settings.interval()).isAfter(clock.instant()));
    }

    /** Stores objects left sealed by an earlier run, then flushes if due. Called every second or so. */
    public synchronized Flushed flushIfDue() {
        return spool.alone(() -> {
            Flushed done = storeSealed();
            return due() ? done.plus(sealAndStoreAll()) : done;
        }, Flushed.NOTHING);
    }

    /**
     * Seals and stores everything spooled, whatever the buffer says: at shutdown, and for the demo. Does nothing
     * while another node flushes.
     */
    public synchronized Flushed flushAll() {
        return spool.alone(this::sealAndStoreAll, Flushed.NOTHING);
    }

    private Flushed sealAndStoreAll() {
        Flushed done = storeSealed();
        List<JdbcArchiveSpool.Line> lines;
        while (!(lines = spool.unsealed(10_000)).isEmpty()) {
            for (List<JdbcArchiveSpool.Line> object : cut(lines)) {
                spool.seal(key(object), object);
            }
            done = done.plus(storeSealed());
        }
        return done;
    }

    /**
     * Cuts lines into objects: one UTC hour each, in position order within the hour, and a new object when one would
     * be full. Lines of one hour stay together even when other hours' lines come between them (a backlog, or shards
     * interleaved around an hour boundary).
     */
    private List<List<JdbcArchiveSpool.Line>> cut(List<JdbcArchiveSpool.Line> lines) {
        java.util.Map<String, List<JdbcArchiveSpool.Line>> hours = new java.util.LinkedHashMap<>();
        for (JdbcArchiveSpool.Line line : lines) {
            hours.computeIfAbsent(line.hourPrefix(), h -> new ArrayList<>()).add(line);
        }
        List<List<JdbcArchiveSpool.Line>> objects = new ArrayList<>();
        for (List<JdbcArchiveSpool.Line> hour : hours.values()) {
            List<JdbcArchiveSpool.Line> current = new ArrayList<>();
            long bytes = 0;
            for (JdbcArchiveSpool.Line line : hour) {
                if (!current.isEmpty() && bytes + line.bytes() > settings.sizeBytes()) {
                    objects.add(current);
                    current = new ArrayList<>();
                    bytes = 0;
                }
                current.add(line);
                bytes += line.bytes();
            }
            objects.add(current);
        }
        return objects;
    }

    private String key(List<JdbcArchiveSpool.Line> object) {
        return settings.prefix() + object.getFirst().hourPrefix() + String.format("invoice-events-%020d-%020d.json.gz",
                object.getFirst().position(), object.getLast().position());
    }

    private Flushed storeSealed() {
        Flushed done = Flushed.NOTHING;
        for (String key : spool.sealedKeys()) {
            List<JdbcArchiveSpool.Line> lines = spool.sealed(key);
            if (lines.isEmpty()) {
                continue;
            }
            byte[] content = gzip(lines);
            long bytes = lines.stream().mapToLong(JdbcArchiveSpool.Line::bytes).sum();
            if (put(key, content)) {
                spool.delete(key);
                lastStored = new Stored(key, clock.instant(), lines.size(), content.length);
                done = done.plus(new Flushed(1, lines.size(), bytes, content.length, 0));
            } else if (putError(key, content, lines.getFirst().hourPrefix())) {
                spool.delete(key);
                done = done.plus(new Flushed(0, lines.size(), bytes, content.length, 1));
            }
        }
        return done;
    }

    private RuntimeException lastFailure;

    /** An object this node stored: its key, when, and how many lines it holds. */
    public record Stored(String key, Instant at, long lines, long compressedBytes) {
    }

    private volatile Stored lastStored;

    /** The last object this node stored since it started, for the console; empty before the first. */
    public java.util.Optional<Stored> lastStored() {
        return java.util.Optional.ofNullable(lastStored);
    }

    private boolean put(String key, byte[] content) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                archive.put(key, content);
                return true;
            } catch (RuntimeException e) {
                lastFailure = e;
                LOG.warn("Archive write {} of {} failed (attempt {} of 3): {}", key, archive.location(), attempt,
                        e.getMessage());
                pause(retryPause.multipliedBy(attempt));
            }
        }
        return false;
    }

    private boolean putError(String key, byte[] content, String hourPrefix) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        String errorKey = ERROR_PREFIX + hourPrefix + name;
        String reason = "object " + key + " could not be stored in " + archive.location() + " after 3 attempts: "
                + lastFailure + "\n";
        try {
            archive.put(errorKey, content);
            archive.put(errorKey + ".error.txt", reason.getBytes(StandardCharsets.UTF_8));
            LOG.error("Archive object {} went to the error prefix as {}: {}", key, errorKey, lastFailure.getMessage());
            return true;
        } catch (RuntimeException e) {
            LOG.error("Archive object {} could not be stored, nor under the error prefix; its lines stay in the spool"
                    + " and are tried again: {}", key, e.getMessage());
            return false;
        }
    }

    static byte[] gzip(List<JdbcArchiveSpool.Line> lines) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            for (JdbcArchiveSpool.Line line : lines) {
                out.write(line.json().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing the archive", e);
        }
    }

    /** For logs and tests: when the next flush is due at the latest, if anything waits. */
    public Instant dueBy() {
        JdbcArchiveSpool.Pending pending = spool.pending();
        return pending.oldestSpooledAt() == null ? null : pending.oldestSpooledAt().plus(settings.interval());
    }
}
