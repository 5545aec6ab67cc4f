package io.invoicestreams.app.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The audit archive, its buffer and its retention. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.archive")
public interface ArchiveConfig {
    /** Key prefix of the archive's objects; hour folders follow it: {prefix}YYYY/MM/DD/HH/. */
    @WithDefault("Invoice/")
    String prefix();

    /** Folder of the local archive, the embedded default. Empty: {data-dir}/archive. */
    Optional<String> localDir();

    S3 s3();

    interface S3 {
        /** Bucket of the archive on S3. Empty: the local folder. */
        Optional<String> bucket();

        /** Endpoint of an S3-compatible store (s3proxy, MinIO). Empty: AWS. */
        Optional<URI> endpoint();

        /** Region. Empty: the default provider chain (us-east-1 with an endpoint). */
        Optional<String> region();

        /** Path-style requests, which S3-compatible stores need. */
        @WithDefault("false")
        boolean pathStyle();
    }

    Retention retention();

    /** The retention that archive lifecycle applies to the bucket, in days from an object's creation. */
    interface Retention {
        /** Days before an object moves to STANDARD_IA; 30 or more. */
        @WithDefault("30")
        int infrequentAccessDays();

        /** Days before an object moves to GLACIER; at least 30 after infrequent access. */
        @WithDefault("90")
        int glacierDays();

        /** Days before an object is deleted: seven years. */
        @WithDefault("2557")
        int expireDays();
    }

    Buffer buffer();

    interface Buffer {
        /** Flush when the spooled lines reach this many MiB; also the largest object. 1 to 128. */
        @WithDefault("5")
        int size();

        /** Flush when the oldest spooled line has waited this long. 60s to 900s (see allow-short-interval). */
        @WithDefault("300s")
        Duration interval();

        /** Accept an interval under 60 s: for the dev and test profiles only. */
        @WithDefault("false")
        boolean allowShortInterval();
    }
}
