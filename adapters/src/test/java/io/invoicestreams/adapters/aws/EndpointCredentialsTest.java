package io.invoicestreams.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.invoicestreams.adapters.archive.S3Archive;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An endpoint override signs with the credentials it is given: a loopback HTTP server stands in for a MinIO or a
 * VPC endpoint and records the {@code Authorization} header of each request the AWS SDK sends. The default provider
 * chain finds the keys in the system properties, as it would in the environment or a profile.
 */
class EndpointCredentialsTest {

    private static final String KEY_ID = "AKIAOVERRIDEEXAMPLE1";

    private HttpServer server;
    private URI endpoint;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            byte[] body;
            if (target.startsWith("DynamoDB")) {
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                body = "{\"TableNames\":[]}".getBytes(StandardCharsets.UTF_8);
            } else if (target.startsWith("AmazonSQS")) {
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                body = "{\"QueueUrls\":[]}".getBytes(StandardCharsets.UTF_8);
            } else { // S3 ListBuckets
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult"
                        + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>o</ID></Owner><Buckets/>"
                        + "</ListAllMyBucketsResult>").getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        System.setProperty("aws.accessKeyId", KEY_ID);
        System.setProperty("aws.secretAccessKey", "overrideSecretExample0000000000000000000");
    }

    @AfterEach
    void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        server.stop(0);
    }

    private String credentialOf(String authorization) {
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=");
        return authorization.substring("AWS4-HMAC-SHA256 Credential=".length(), authorization.indexOf('/'));
    }

    @Test
    void an_override_signs_with_the_default_provider_chains_keys_for_dynamodb_s3_and_sqs() {
        try (DynamoDbClient dynamoDb = new DynamoDbClients(Optional.of(endpoint), Optional.empty()).dynamoDb();
             S3Client s3 = S3Archive.client(Optional.of(endpoint), Optional.empty(), true,
                     EndpointCredentials.DEFAULT_CHAIN);
             SqsClient sqs = DynamoDbClients.configure(SqsClient.builder(), Optional.of(endpoint), Optional.empty(),
                     EndpointCredentials.DEFAULT_CHAIN)) {
            dynamoDb.listTables();
            s3.listBuckets();
            sqs.listQueues();
        }
        assertThat(authorizations).hasSize(3).allSatisfy(a -> assertThat(credentialOf(a)).isEqualTo(KEY_ID));
    }

    @Test
    void the_local_choice_and_the_started_dynamodb_local_sign_with_local_keys() {
        try (DynamoDbClient started = DynamoDbClients.local(endpoint).dynamoDb();
             SqsClient emulator = DynamoDbClients.configure(SqsClient.builder(), Optional.of(endpoint),
                     Optional.empty(), EndpointCredentials.LOCAL)) {
            started.listTables();
            emulator.listQueues();
        }
        assertThat(authorizations).hasSize(2).allSatisfy(a -> assertThat(credentialOf(a)).isEqualTo("local"));
    }
}
