package io.invoicestreams.adapters.archive;

import io.invoicestreams.adapters.aws.EndpointCredentials;
import io.invoicestreams.projections.audit.AuditArchive;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The archive in an S3 bucket. Each object is one PutObject of the whole gzip content, with its Content-MD5
 * checked by S3, so an object is either stored whole or not at all, and a retried write replaces the first.
 */
public final class S3Archive implements AuditArchive, AutoCloseable {

    private final S3Client s3;
    private final String bucket;

    public S3Archive(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /**
     * A client for AWS (region and credentials from the default chain), or for an S3-compatible endpoint such as
     * s3proxy or MinIO, which take path-style requests.
     */
    public static S3Client client(Optional<URI> endpoint, Optional<String> region, boolean pathStyle,
                                  EndpointCredentials credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .forcePathStyle(pathStyle)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(2)));
        return credentials.apply(builder, endpoint, region).build();
    }

    @Override
    public void put(String key, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson")
                    .contentEncoding(key.endsWith(".gz") ? "gzip" : null), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw new ArchiveWriteException("cannot put s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return "s3://" + bucket;
    }

    @Override
    public void close() {
        s3.close();
    }
}
