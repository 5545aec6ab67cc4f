package io.invoicestreams.adapters.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.invoicestreams.adapters.dynamodb.DynamoDbClients;
import io.invoicestreams.domain.InvoiceNumber;
import io.invoicestreams.domain.TransactionId;
import io.invoicestreams.projections.notifications.ZeroAmountAlert;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * The exact SNS Publish request the alert channel sends, checked on the wire: no SNS emulator runs on this machine's
 * Java (fauxqs needs Node 22), so a loopback HTTP server takes the request the AWS SDK makes and answers as SNS does.
 */
class SnsChannelContractTest {

    private static final String STANDARD = "arn:aws:sns:us-east-1:000000000000:invoice-alerts";
    private static final String FIFO = STANDARD + ".fifo";

    private HttpServer server;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private SnsClient sns;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"));
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            requests.add(form);
            byte[] answer = (status == 200
                    ? "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                    + "<MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId>"
                    + "</ResponseMetadata></PublishResponse>"
                    : "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                    + "<Code>NotFound</Code><Message>Topic does not exist</Message></Error>"
                    + "<RequestId>r-2</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        sns = DynamoDbClients.configure(SnsClient.builder(),
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())), Optional.empty(), io.invoicestreams.adapters.aws.EndpointCredentials.LOCAL);
    }

    @AfterEach
    void stop() {
        sns.close();
        server.stop(0);
    }

    private static ZeroAmountAlert alert() {
        return new ZeroAmountAlert("5b1c0e3a-0c8e-3c1f-9d41-6f4f3d2b2a10", new InvoiceNumber("1212121"),
                new TransactionId("Client1_trans1xxxx"), Instant.parse("2016-06-06T10:11:12Z"));
    }

    private static ChannelNotifications alertsTo(MessageChannel channel) {
        return new ChannelNotifications(channel, new LogChannel("payments"));
    }

    @Test
    void an_alert_to_a_fifo_topic_is_one_publish_with_group_and_deduplication_id() {
        alertsTo(new SnsChannel(sns, FIFO, "Zero value reported")).alert(alert());

        assertThat(requests).hasSize(1);
        Map<String, String> request = requests.getFirst();
        assertThat(request.get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request).containsEntry("Action", "Publish")
                .containsEntry("TopicArn", FIFO)
                .containsEntry("Message", "Take immediate action for Invoice number 1212121 as zero value is reported"
                        + " in the InvoiceTransactions table as on 1606101112")
                .containsEntry("MessageGroupId", "1212121")
                .containsEntry("MessageDeduplicationId", "5b1c0e3a-0c8e-3c1f-9d41-6f4f3d2b2a10")
                .doesNotContainKey("Subject");
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 1; request.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            String prefix = "MessageAttributes.entry." + i;
            assertThat(request.get(prefix + ".Value.DataType")).isEqualTo("String");
            attributes.put(request.get(prefix + ".Name"), request.get(prefix + ".Value.StringValue"));
        }
        assertThat(attributes).containsExactlyInAnyOrderEntriesOf(Map.of("type", "zero-amount-alert",
                "invoiceNumber", "1212121", "transactionId", "Client1_trans1xxxx",
                "reportedAt", "2016-06-06T10:11:12Z"));
    }

    @Test
    void an_alert_to_a_standard_topic_has_a_subject_and_no_fifo_fields() {
        alertsTo(new SnsChannel(sns, STANDARD, "Zero value reported")).alert(alert());

        assertThat(requests.getFirst()).containsEntry("TopicArn", STANDARD)
                .containsEntry("Subject", "Zero value reported")
                .doesNotContainKeys("MessageGroupId", "MessageDeduplicationId");
    }

    @Test
    void a_refused_publish_throws_so_the_event_is_parked() {
        status = 404;
        assertThatThrownBy(() -> alertsTo(new SnsChannel(sns, FIFO, null)).alert(alert()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("Topic does not exist");
    }
}
