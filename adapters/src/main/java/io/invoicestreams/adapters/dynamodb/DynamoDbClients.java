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
 * @param callTimeout the longest a call may take, its retries included ({@link #timeouts})
 */
public record DynamoDbClients(Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials,
                              Duration callTimeout) {

    /** The call timeout unless the configuration gives another ({@code invoice.aws.call-timeout}). */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

    public DynamoDbClients {
        if (callTimeout == null || callTimeout.toMillis() < 2) {
            throw new IllegalArgumentException("the call timeout must be at least 2 ms, was " + callTimeout);
        }
    }

    public DynamoDbClients(Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials) {
        this(endpoint, region, credentials, DEFAULT_CALL_TIMEOUT);
    }

    /** A client of AWS, or of an endpoint that checks real credentials. */
    public DynamoDbClients(Optional<URI> endpoint, Optional<String> region) {
        this(endpoint, region, EndpointCredentials.DEFAULT_CHAIN);
    }

    /** The DynamoDB Local this service (or a test) started: it accepts any key made of letters and digits. */
    public static DynamoDbClients local(URI endpoint) {
        return new DynamoDbClients(Optional.of(endpoint), Optional.of("us-east-1"), EndpointCredentials.LOCAL);
    }

    /** The same clients with another call timeout. */
    public DynamoDbClients withCallTimeout(Duration timeout) {
        return new DynamoDbClients(endpoint, region, credentials, timeout);
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder());
    }

    public DynamoDbStreamsClient streams() {
        return configure(DynamoDbStreamsClient.builder());
    }

    /** The same HTTP client, timeouts, endpoint, credentials and region for both clients. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(B builder) {
        return configure(builder, endpoint, region, credentials, callTimeout);
    }

    /** {@link #configure(AwsClientBuilder, Optional, Optional, EndpointCredentials, Duration)} with the default timeout. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
            B builder, Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials) {
        return configure(builder, endpoint, region, credentials, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Builds any synchronous AWS SDK client of the service the same way: the URL-connection HTTP client, call
     * timeouts, and the endpoint, region and credentials as {@link EndpointCredentials#apply} sets them.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(
            B builder, Optional<URI> endpoint, Optional<String> region, EndpointCredentials credentials,
            Duration callTimeout) {
        ClientOverrideConfiguration timeouts = timeouts(callTimeout);
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .socketTimeout(timeouts.apiCallAttemptTimeout().orElseThrow()))
                .overrideConfiguration(timeouts);
        return credentials.apply(builder, endpoint, region).build();
    }

    /**
     * A call, its retries included, gives up after {@code callTimeout}; each attempt after half of it, and a socket
     * that stays silent that long is closed. A server that accepts connections and never answers (a black hole)
     * then fails the call instead of holding its thread for good.
     */
    static ClientOverrideConfiguration timeouts(Duration callTimeout) {
        return ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout)
                .apiCallAttemptTimeout(callTimeout.dividedBy(2)).build();
    }
}
