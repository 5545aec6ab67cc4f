package io.invoicestreams.adapters.dynamodb;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB and DynamoDB Streams clients. With an endpoint override (DynamoDB Local) they use fixed local
 * credentials; without one, the SDK's default provider chains give the region and credentials.
 *
 * @param endpoint an endpoint override, such as http://127.0.0.1:8000; empty for AWS
 * @param region   the region; empty to take it from the default provider chain
 */
public record DynamoDbClients(Optional<URI> endpoint, Optional<String> region) {

    /** DynamoDB Local accepts any key made of letters and digits. */
    private static final AwsCredentialsProvider LOCAL = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("local", "local"));

    public static DynamoDbClients local(URI endpoint) {
        return new DynamoDbClients(Optional.of(endpoint), Optional.of("us-east-1"));
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder());
    }

    public DynamoDbStreamsClient streams() {
        return configure(DynamoDbStreamsClient.builder());
    }

    /** The same HTTP client, timeouts, endpoint, credentials and region for both clients. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(B builder) {
        return configure(builder, endpoint, region);
    }

    /**
     * Builds any AWS SDK client of the service the same way: the URL-connection HTTP client, call timeouts, and with
     * an endpoint override (a local server) fixed local credentials; without one, the default provider chains.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
            B builder, Optional<URI> endpoint, Optional<String> region) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(timeouts());
        endpoint.ifPresent(e -> builder.endpointOverride(e).credentialsProvider(LOCAL));
        region.or(() -> endpoint.map(e -> "us-east-1")).map(Region::of).ifPresent(builder::region);
        return builder.build();
    }

    private static ClientOverrideConfiguration timeouts() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60))
                .apiCallAttemptTimeout(Duration.ofSeconds(30)).build();
    }
}
