package io.invoicestreams.app.audit;

import io.agroal.api.AgroalDataSource;
import io.invoicestreams.adapters.archive.ArchiveAnalytics;
import io.invoicestreams.adapters.archive.ArchiveFlusher;
import io.invoicestreams.adapters.archive.ArchiveLifecycle;
import io.invoicestreams.adapters.archive.JdbcArchiveSpool;
import io.invoicestreams.adapters.archive.LocalArchiveLifecycle;
import io.invoicestreams.adapters.archive.LocalDirectoryArchive;
import io.invoicestreams.adapters.archive.S3Archive;
import io.invoicestreams.adapters.archive.S3ArchiveCache;
import io.invoicestreams.adapters.archive.S3ArchiveLifecycle;
import io.invoicestreams.adapters.eventstore.ProjectionControl;
import io.invoicestreams.adapters.jdbc.JdbcTransactions;
import io.invoicestreams.app.Closing;
import io.invoicestreams.app.Periodic;
import io.invoicestreams.app.CoreAssembly.DataDir;
import io.invoicestreams.app.eventstore.EventStoreAssembly.StoreDatabase;
import io.invoicestreams.app.readmodel.ReadModelBinding;
import io.invoicestreams.app.readmodel.ReadModels;
import io.invoicestreams.projections.audit.AuditArchive;
import io.invoicestreams.projections.audit.AuditArchiveProjection;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit archive: every event spooled in the event store's database, flushed by size or time into compressed
 * objects under hour prefixes (a local folder by default, S3 when a bucket is set), its retention, and the analytics
 * that read it back. The analytics and the retention read the archive alone, so the offline commands use them
 * without the event store.
 */
// A native image keeps the read model's handler, which Axon calls reflectively.
@io.quarkus.runtime.annotations.RegisterForReflection(targets = AuditArchiveProjection.class)
@Singleton
public class AuditArchiveAssembly {

    private static final Logger LOG = Logger.getLogger(AuditArchiveAssembly.class);

    /** Where the archive's objects go: a bucket when one is set, the local folder otherwise. */
    public record Storage(Optional<S3Client> s3, Optional<String> bucket, Path folder) implements AutoCloseable {
        AuditArchive archive() {
            return s3.<AuditArchive>map(client -> new S3Archive(client, bucket.orElseThrow()))
                    .orElseGet(() -> new LocalDirectoryArchive(folder));
        }

        @Override
        public void close() {
            s3.ifPresent(Closing::close);
        }
    }

    /** The flush lock's own pool of one connection, held for a whole flush (ADR 0008). */
    public record FlushLock(AgroalDataSource pool) implements AutoCloseable {
        @Override
        public void close() {
            Closing.close(pool);
        }
    }

    /**
     * Checks the archive's range rules, which sit next to their keys in {@link ArchiveConfig}; a value
     * outside them stops the start-up with the key and the value.
     */
    public static ArchiveFlusher.Settings settings(ArchiveConfig archive) {
        var buffer = archive.buffer();
        if (buffer.size() < 1 || buffer.size() > 128) {
            throw new IllegalArgumentException("invoice.archive.buffer.size must be 1 to 128 (MiB), was " + buffer.size());
        }
        Duration interval = buffer.interval();
        boolean inRange = interval.compareTo(Duration.ofSeconds(60)) >= 0
                && interval.compareTo(Duration.ofSeconds(900)) <= 0;
        if (!inRange && !(buffer.allowShortInterval() && interval.isPositive() && interval.getSeconds() < 60)) {
            throw new IllegalArgumentException("invoice.archive.buffer.interval must be 60s to 900s, was "
                    + interval.getSeconds() + "s (shorter intervals need invoice.archive.buffer.allow-short-interval,"
                    + " for dev and tests only)");
        }
        if (archive.prefix().startsWith("/") || (!archive.prefix().isEmpty() && !archive.prefix().endsWith("/"))) {
            throw new IllegalArgumentException("invoice.archive.prefix must be relative and end with '/', was '"
                    + archive.prefix() + "'");
        }
        return new ArchiveFlusher.Settings(archive.prefix(), buffer.size() * 1024L * 1024L, interval);
    }

    @Produces
    @Singleton
    ArchiveFlusher.Settings flushSettings(ArchiveConfig config) {
        return settings(config);
    }

    @Produces
    @Singleton
    Storage storage(ArchiveConfig config, DataDir data, io.invoicestreams.app.InvoiceStreamsConfig service) {
        var s3 = config.s3();
        Path folder = config.localDir().filter(d -> !d.isBlank()).map(Path::of)
                .orElse(data.resolve("archive"));
        Optional<String> bucket = s3.bucket().filter(b -> !b.isBlank());
        return new Storage(bucket.map(b -> S3Archive.client(s3.endpoint(), s3.region(), s3.pathStyle(),
                        service.aws().endpointCredentials())), bucket,
                folder);
    }

    void closeStorage(@Disposes Storage storage) {
        storage.close();
    }

    @Produces
    @Singleton
    ArchiveAnalytics analytics(Storage storage, ArchiveFlusher.Settings settings, DataDir data, AnalyticsConfig a) {
        ArchiveAnalytics.Limits limits;
        try {
            limits = new ArchiveAnalytics.Limits(a.memoryLimit(), a.threads(), a.timeout(), a.maxConcurrent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invoice.analytics: " + e.getMessage(), e);
        }
        if (a.maxDays() < 1) {
            throw new IllegalArgumentException("invoice.analytics.max-days must be 1 or more, was " + a.maxDays());
        }
        return storage.s3().map(s3 -> new ArchiveAnalytics(new S3ArchiveCache(s3, storage.bucket().orElseThrow(),
                        settings.prefix(), data.resolve("archive-cache"))))
                .orElseGet(() -> new ArchiveAnalytics(storage.folder(), settings.prefix())).withLimits(limits);
    }

    @Produces
    @Singleton
    ArchiveLifecycle lifecycle(Storage storage, ArchiveFlusher.Settings settings, Clock clock) {
        return storage.s3().<ArchiveLifecycle>map(s3 -> new S3ArchiveLifecycle(s3, storage.bucket().orElseThrow(),
                        settings.prefix()))
                .orElseGet(() -> new LocalArchiveLifecycle(storage.folder(), settings.prefix(), clock));
    }

    @Produces
    @Singleton
    FlushLock flushLock(StoreDatabase database) {
        return new FlushLock(database.pool(1));
    }

    void closeFlushLock(@Disposes FlushLock lock) {
        lock.close();
    }

    /** The spool, with its table made before the archive's processor starts with the store. */
    @Produces
    @Singleton
    JdbcArchiveSpool spool(JdbcTransactions transactions, Clock clock, FlushLock lock) {
        JdbcArchiveSpool spool = new JdbcArchiveSpool(transactions, clock, lock.pool());
        spool.createSchema();
        return spool;
    }

    @Produces
    @Singleton
    ArchiveFlusher flusher(JdbcArchiveSpool spool, Storage storage, ArchiveFlusher.Settings settings, Clock clock) {
        return new ArchiveFlusher(spool, storage.archive(), settings, clock, Duration.ofSeconds(1));
    }

    @Produces
    @Singleton
    FlushTimer flushTimer(ArchiveFlusher flusher) {
        return new FlushTimer(flusher);
    }

    void closeFlushTimer(@Disposes FlushTimer timer) {
        timer.close();
    }

    @Produces
    @Singleton
    ReadModelBinding readModel(JdbcArchiveSpool spool, FlushTimer timer, Storage storage,
                               ArchiveFlusher.Settings settings, ArchiveConfig config) {
        return ReadModelBinding.of(ReadModels.AUDIT_ARCHIVE.model(), new AuditArchiveProjection(spool),
                new ReadModelBinding.Hooks() {
                    @Override
                    public void started(ProjectionControl control) {
                        timer.start();
                        LOG.infof("Archiving every event to %s, prefix %s, buffer %d MiB or %s",
                                storage.archive().location(), settings.prefix(), config.buffer().size(),
                                settings.interval());
                    }

                    @Override
                    public void stopping() {
                        timer.close();
                    }

                    @Override
                    public Optional<String> partInThisNode() {
                        return storage.s3().isPresent() ? Optional.empty()
                                : Optional.of("the archive folder (invoice.archive.s3.bucket)");
                    }
                });
    }

    /** Flushes the spool when it is due, every second, in the background. */
    public static final class FlushTimer extends Periodic {
        FlushTimer(ArchiveFlusher flusher) {
            super("archive-flusher", Duration.ofSeconds(1), () -> flushIfDue(flusher));
        }

        private static void flushIfDue(ArchiveFlusher flusher) {
            try {
                flusher.flushIfDue();
            } catch (RuntimeException e) {
                LOG.warnf("Flushing the archive failed; its lines stay in the spool and are tried again: %s",
                        e.toString());
            }
        }
    }
}
