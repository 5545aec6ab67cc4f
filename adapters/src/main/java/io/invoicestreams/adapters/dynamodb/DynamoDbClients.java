package io.invoicestreams.adapters.dynamodb;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB and DynamoDB Streams clients. With an endpoint override (DynamoDB Local) they use fixed local
 * credentials; without one, the region and credentials come from the AWS default provider chain.
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
        var builder = DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(timeouts());
        endpoint.ifPresent(e -> builder.endpointOverride(e).credentialsProvider(LOCAL));
        if (endpoint.isEmpty()) {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        region.map(Region::of).ifPresent(builder::region);
        return builder.build();
    }

    public DynamoDbStreamsClient streams() {
        var builder = DynamoDbStreamsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(timeouts());
        endpoint.ifPresent(e -> builder.endpointOverride(e).credentialsProvider(LOCAL));
        if (endpoint.isEmpty()) {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        region.map(Region::of).ifPresent(builder::region);
        return builder.build();
    }

    private static ClientOverrideConfiguration timeouts() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60))
                .apiCallAttemptTimeout(Duration.ofSeconds(30)).build();
    }
}
