package io.invoicestreams.adapters.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * The credentials of an AWS SDK client whose endpoint is overridden. A MinIO, a VPC endpoint or a FIPS endpoint
 * checks real credentials, so an override uses the SDK's default provider chain (environment, system properties,
 * profile, container or instance role) like a client of AWS itself. Only the parts this service starts itself
 * (DynamoDB Local, the embedded ElasticMQ), and emulators that check no key when the configuration says so, get
 * fixed local keys.
 */
public enum EndpointCredentials {

    /** The SDK's default provider chain, as for AWS. */
    DEFAULT_CHAIN,

    /** Fixed keys {@code local}/{@code local}: for the embedded parts and for emulators that check no key. */
    LOCAL;

    private static final AwsCredentialsProvider LOCAL_KEYS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("local", "local"));

    /**
     * Points the builder at the endpoint, if any, with these credentials there; the region given, or us-east-1 with
     * an endpoint and none given, or else the default provider chain's. Without an endpoint the client is one of AWS
     * and keeps the default chain whatever this says.
     */
    public <B extends AwsClientBuilder<B, C>, C> B apply(B builder, Optional<URI> endpoint, Optional<String> region) {
        endpoint.ifPresent(e -> {
            builder.endpointOverride(e);
            if (this == LOCAL) {
                builder.credentialsProvider(LOCAL_KEYS);
            }
        });
        region.or(() -> endpoint.map(e -> Region.US_EAST_1.id())).map(Region::of).ifPresent(builder::region);
        return builder;
    }
}
