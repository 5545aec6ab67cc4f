package io.invoicestreams.adapters.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of an AWS-protocol server (DynamoDB Local) that answers chosen operations with an
 * error of the service's own shape while a fault is set: DynamoDB's throttling answers, which the real service gives
 * under load and DynamoDB Local never does. Everything else, and everything while no fault is set, is forwarded.
 * Operations are named as in the {@code X-Amz-Target} header: {@code DynamoDB_20120810.UpdateItem},
 * {@code DynamoDBStreams_20120810.GetRecords}.
 */
public final class FaultHttpProxy implements AutoCloseable {

    private static final HttpClient FORWARD = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "expect", "upgrade", "accept-encoding");

    /** An error answer: HTTP status and the AWS error type, such as {@code ProvisionedThroughputExceededException}. */
    public record Fault(int status, String awsType, String message) {
    }

    private final HttpServer server;
    private final URI target;
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();

    private FaultHttpProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static FaultHttpProxy to(URI target) {
        try {
            return new FaultHttpProxy(target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every request for the operation with the fault, until {@link #heal}. */
    public void fail(String operation, Fault fault) {
        faults.put(operation, fault);
    }

    /** Forwards the operation again. */
    public void heal(String operation) {
        faults.remove(operation);
    }

    /** How many requests for the operation got the fault. */
    public int injected(String operation) {
        return injected.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** How many requests for the operation were forwarded. */
    public int forwarded(String operation) {
        return forwarded.getOrDefault(operation, new AtomicInteger()).get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String operation = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            Fault fault = faults.get(operation);
            if (fault != null) {
                injected.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
                byte[] answer = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + fault.awsType()
                        + "\",\"message\":\"" + fault.message() + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.getResponseHeaders().add("x-amzn-ErrorType", fault.awsType());
                exchange.sendResponseHeaders(fault.status(), answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
                return;
            }
            forwarded.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = FORWARD.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            boolean empty = response.body().length == 0;
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : response.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
