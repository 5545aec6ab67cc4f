package io.invoicestreams.adapters.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.invoicestreams.adapters.support.LocalOpenSearch;
import io.invoicestreams.projections.search.SearchDocument;
import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.search.SearchWrite;
import io.invoicestreams.projections.support.EventHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * OpenSearch with authentication (issue 18), against the real OpenSearch node behind a loopback proxy that plays
 * the part of the security layer: for Basic it refuses a request without the right credentials with 401, as the
 * security plugin does; for SigV4 it speaks HTTPS with a certificate made here, as Amazon OpenSearch Service does,
 * and records the signature. The proxy checks the signature's key and scope, not its arithmetic.
 */
class OpenSearchAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient FORWARD = HttpClient.newHttpClient();
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "expect", "upgrade", "accept-encoding");

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer proxy;
    private OpenSearchSearchIndex index;

    /** The node starts before any proxy forwards to it: its start takes longer than a client waits for an answer. */
    @org.junit.jupiter.api.BeforeAll
    static void startNode() {
        LocalOpenSearch.endpoint();
    }

    @AfterEach
    void stop() {
        if (index != null) {
            index.close();
        }
        if (proxy != null) {
            proxy.stop(0);
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Forwards the exchange to the OpenSearch node when {@code allowed} says so, else answers 401. */
    private void forward(HttpExchange exchange, java.util.function.Predicate<String> allowed) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(authorization));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (!allowed.test(authorization)) {
            byte[] refusal = "{\"error\":\"Unauthorized\",\"status\":401}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, refusal.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(refusal);
            }
            return;
        }
        URI target = LocalOpenSearch.endpoint().resolve(exchange.getRequestURI().toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.equalsIgnoreCase("Authorization")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> response = FORWARD.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
            boolean empty = response.body().length == 0 || "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : response.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
        } finally {
            exchange.close();
        }
    }

    private static SearchWrite upsert(String transaction, String item) {
        return new SearchWrite.Upsert(new SearchDocument("7300001", transaction, "USA", EventHistory.money("$5"),
                "06062016", EventHistory.document("Vendor9 Inc", Map.of(item, 2)), Instant.EPOCH, 1));
    }

    /** The settings of the index the alias names, read from the node itself. */
    private static JsonNode settingsOf(String alias) throws Exception {
        HttpResponse<String> response = FORWARD.send(HttpRequest.newBuilder(
                LocalOpenSearch.endpoint().resolve("/" + alias + "/_settings")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).elements().next().get("settings").get("index");
    }

    @Test
    void basic_authentication_goes_with_every_request_and_a_wrong_password_is_refused_at_start() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ops:correct-horse-battery"
                .getBytes(StandardCharsets.UTF_8));
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> forward(exchange, expected::equals));
        proxy.start();
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
        String name = "auth-" + UUID.randomUUID().toString().substring(0, 8);

        index = new OpenSearchSearchIndex(endpoint, name,
                new OpenSearchSearchIndex.Access.Basic("ops", "correct-horse-battery"),
                new OpenSearchSearchIndex.Layout(2, 0));
        index.apply(List.of(upsert("T-1", "lanterns")));
        assertThat(index.search(SearchQuery.text("lanterns")).total()).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo(expected));
        JsonNode settings = settingsOf(name);
        assertThat(settings.get("number_of_shards").asText()).as("the layout configured").isEqualTo("2");
        assertThat(settings.get("number_of_replicas").asText()).isEqualTo("0");

        assertThatThrownBy(() -> new OpenSearchSearchIndex(endpoint, name,
                new OpenSearchSearchIndex.Access.Basic("ops", "wrong"), OpenSearchSearchIndex.Layout.single()))
                .hasMessageContaining("Unauthorized");
        assertThat(new OpenSearchSearchIndex.Access.Basic("ops", "correct-horse-battery").toString())
                .doesNotContain("correct-horse");
    }

    @Test
    void sigv4_signs_every_request_over_https_with_the_default_credentials(@TempDir Path folder) throws Exception {
        System.setProperty("aws.accessKeyId", "AKIASIGV4EXAMPLE0001");
        System.setProperty("aws.secretAccessKey", "sigv4SecretExample00000000000000000000000");
        Path store = folder.resolve("proxy.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "proxy", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", exchange -> forward(exchange, a -> a != null && a.startsWith("AWS4-HMAC-SHA256 ")));
        https.start();
        proxy = https;
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        URI endpoint = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
        String name = "sigv4-" + UUID.randomUUID().toString().substring(0, 8);

        index = new OpenSearchSearchIndex(endpoint, name, new OpenSearchSearchIndex.Access.SigV4(Region.EU_WEST_1,
                "es", UrlConnectionHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build()),
                OpenSearchSearchIndex.Layout.single());
        index.apply(List.of(upsert("T-2", "compasses")));
        assertThat(index.search(SearchQuery.text("compasses")).total()).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a)
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIASIGV4EXAMPLE0001/")
                .contains("/eu-west-1/es/aws4_request").contains("Signature="));

        assertThatThrownBy(() -> new OpenSearchSearchIndex(URI.create("http://127.0.0.1:1"), name,
                new OpenSearchSearchIndex.Access.SigV4(Region.EU_WEST_1, "es", null),
                OpenSearchSearchIndex.Layout.single())).hasMessageContaining("needs an https:// endpoint");
    }
}
