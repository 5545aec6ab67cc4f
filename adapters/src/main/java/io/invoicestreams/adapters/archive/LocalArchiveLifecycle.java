package io.invoicestreams.adapters.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The local archive folder has no storage classes and deletes nothing: this says what the S3 rules would do to the
 * objects in it now, by each file's age (its last modification, which is when the flusher wrote it, as S3 counts
 * from an object's creation), and changes nothing.
 */
public final class LocalArchiveLifecycle implements ArchiveLifecycle {

    private final Path root;
    private final String prefix;
    private final Clock clock;

    public LocalArchiveLifecycle(Path root, String prefix, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Objects and bytes per tier, under one prefix. */
    public record Tally(String prefix, Map<ArchiveRetention.Tier, Long> objects, Map<ArchiveRetention.Tier, Long> bytes) {
    }

    /** What the rules would do now: one tally for the archive prefix and one for the error prefix. */
    public List<Tally> plan(ArchiveRetention retention) {
        return List.of(tally(prefix, retention), tally(ArchiveFlusher.ERROR_PREFIX, retention));
    }

    private Tally tally(String keyPrefix, ArchiveRetention retention) {
        Map<ArchiveRetention.Tier, Long> objects = new EnumMap<>(ArchiveRetention.Tier.class);
        Map<ArchiveRetention.Tier, Long> bytes = new EnumMap<>(ArchiveRetention.Tier.class);
        for (ArchiveRetention.Tier tier : ArchiveRetention.Tier.values()) {
            objects.put(tier, 0L);
            bytes.put(tier, 0L);
        }
        Path folder = root.resolve(keyPrefix);
        if (Files.isDirectory(folder)) {
            Instant now = clock.instant();
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().startsWith("."))::iterator) {
                    long age = Duration.between(Files.getLastModifiedTime(file).toInstant(), now).toDays();
                    ArchiveRetention.Tier tier = retention.tierAt(Math.max(0, age));
                    objects.merge(tier, 1L, Long::sum);
                    bytes.merge(tier, Files.size(file), Long::sum);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the archive folder " + folder, e);
            }
        }
        return new Tally(keyPrefix, objects, bytes);
    }

    @Override
    public Outcome apply(ArchiveRetention retention, boolean dryRun) {
        List<String> lines = new ArrayList<>();
        lines.add("Local archive folder " + root + ": lifecycle rules do not apply to a folder; nothing is moved or"
                + " deleted.");
        lines.add("On S3 the rules would be: " + retention + ". Applied to the objects here now:");
        for (Tally tally : plan(retention)) {
            StringBuilder line = new StringBuilder("  ").append(tally.prefix()).append(':');
            for (ArchiveRetention.Tier tier : ArchiveRetention.Tier.values()) {
                line.append(String.format(Locale.ROOT, " %s %,d objects (%,d bytes)%s", tier.name().toLowerCase(Locale.ROOT),
                        tally.objects().get(tier), tally.bytes().get(tier),
                        tier == ArchiveRetention.Tier.EXPIRED ? "" : ";"));
            }
            lines.add(line.toString());
        }
        lines.add("Set invoice.archive.s3.bucket to keep the archive on S3, where archive lifecycle applies the rules.");
        return new Outcome(false, lines);
    }
}
