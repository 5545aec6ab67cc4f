package io.invoicestreams.adapters.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 archive as local files for DuckDB, which cannot read S3 here (no httpfs): lists only the day prefixes a
 * report needs, and downloads the objects it does not hold yet into a cache folder, one sub-folder per bucket. A
 * cached object is current while its ETag, kept beside it, is the one S3 lists: a key can name other lines after a
 * store was reset or in another bucket, and the same size would not tell.
 */
public final class S3ArchiveCache implements ArchiveAnalytics.Source {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path cache;

    public S3ArchiveCache(S3Client s3, String bucket, String prefix, Path cache) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    @Override
    public List<Path> files(LocalDate from, LocalDate to) {
        List<String> prefixes = from == null ? List.of(prefix) : ArchiveAnalytics.dayPrefixes(prefix, from, to);
        List<Path> files = new ArrayList<>();
        for (String dayPrefix : prefixes) {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(dayPrefix)).contents()) {
                if (object.key().endsWith(".json.gz")) {
                    files.add(fetch(object));
                }
            }
        }
        return files;
    }

    private Path fetch(S3Object object) {
        Path local = cache.resolve(bucket).resolve(object.key()).normalize();
        if (!local.startsWith(cache.resolve(bucket))) {
            throw new IllegalArgumentException("archive key " + object.key() + " leaves the cache folder");
        }
        Path etag = local.resolveSibling(local.getFileName() + ".etag");
        try {
            if (Files.exists(local) && Files.exists(etag) && Files.readString(etag).equals(object.eTag())) {
                return local;
            }
            Files.createDirectories(local.getParent());
            Path temporary = Files.createTempFile(local.getParent(), ".get-", ".tmp");
            Files.write(temporary, s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray());
            Files.move(temporary, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(etag, object.eTag());
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache s3://" + bucket + "/" + object.key(), e);
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.awsErrorDetails() != null && "InvalidObjectState".equals(e.awsErrorDetails().errorCode())) {
                // The lifecycle rules moved it to Glacier (archive lifecycle): it must be restored before it is read.
                throw new IllegalArgumentException("s3://" + bucket + "/" + object.key() + " is in "
                        + object.storageClassAsString() + " and must be restored (S3 RestoreObject) before a query can"
                        + " read it; or choose days after the Glacier transition", e);
            }
            throw e;
        }
    }
}
