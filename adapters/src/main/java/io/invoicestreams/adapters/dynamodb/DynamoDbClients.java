package io.invoicestreams.adapters.dynamodb;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import io.invoicestreams.adapters.aws.EndpointCredentials;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB and DynamoDB Streams clients. The DynamoDB Local this service starts gets fixed local credentials; any
 * other endpoint override, and AWS itself, the credentials of {@code credentials} (the default provider chain
 * unless the configuration says otherwise).
 *
 * @param endpoint    an endpoint override, such as http://127.0.0.1:8000; empty for AWS
 * @param region      the region; empty to take it from the default provider chain
 * @param credentials the credentials at an endpoint override
 */
public record DynamoDbClients(Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials) {

    /** A client of AWS, or of an endpoint that checks real credentials. */
    public DynamoDbClients(Optional<URI> endpoint, Optional<String> region) {
        this(endpoint, region, EndpointCredentials.DEFAULT_CHAIN);
    }

    /** The DynamoDB Local this service (or a test) started: it accepts any key made of letters and digits. */
    public static DynamoDbClients local(URI endpoint) {
        return new DynamoDbClients(Optional.of(endpoint), Optional.of("us-east-1"), EndpointCredentials.LOCAL);
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder());
    }

    public DynamoDbStreamsClient streams() {
        return configure(DynamoDbStreamsClient.builder());
    }

    /** The same HTTP client, timeouts, endpoint, credentials and region for both clients. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(B builder) {
        return configure(builder, endpoint, region, credentials);
    }

    /**
     * Builds any synchronous AWS SDK client of the service the same way: the URL-connection HTTP client, call
     * timeouts, and the endpoint, region and credentials as {@link EndpointCredentials#apply} sets them.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
            B builder, Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(timeouts());
        return credentials.apply(builder, endpoint, region).build();
    }

    private static ClientOverrideConfiguration timeouts() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60))
                .apiCallAttemptTimeout(Duration.ofSeconds(30)).build();
    }
}
