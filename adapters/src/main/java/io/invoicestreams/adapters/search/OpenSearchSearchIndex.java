package io.invoicestreams.adapters.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.invoicestreams.adapters.json.InvoiceJson;
import io.invoicestreams.projections.search.SearchDocument;
import io.invoicestreams.projections.search.SearchIndex;
import io.invoicestreams.projections.search.SearchQuery;
import io.invoicestreams.projections.search.SearchResults;
import io.invoicestreams.projections.search.SearchWrite;
import io.invoicestreams.adapters.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.aggregations.StringTermsBucket;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Operator;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The search index on OpenSearch, for production: the same documents, versions and tombstones as the Lucene index,
 * behind two aliases. {@code {name}} names the index searches read; {@code {name}-building} names the one a rebuild
 * fills. Indexes are generations {@code {name}-000001}, … created with their mapping at start-up or at a rebuild.
 *
 * <p>Writes are bulk requests with OpenSearch's external versioning, so OpenSearch itself refuses a write older than
 * what it holds; a refused write is stale and skipped. Deletions are tombstone documents, which keep their version
 * for good (a real delete forgets its version after {@code index.gc_deletes}). A bulk that fails as a whole, or an item
 * that fails for another reason, is retried with backoff, then reported; the processor then retries the batch.
 */
public final class OpenSearchSearchIndex implements SearchIndex, AutoCloseable {

    private static final int ATTEMPTS = 4;

    private final OpenSearchClient client;
    private final OpenSearchTransport transport;
    private final String alias;
    private final String buildingAlias;
    private final IndexGenerations generations;
    private final ObjectMapper json = InvoiceJson.objectMapper();

    /**
     * How the index authenticates: not at all (a private cluster), HTTP Basic (the security plugin's internal users),
     * or AWS SigV4 (Amazon OpenSearch Service, with the AWS SDK's default credentials).
     */
    public sealed interface Access {
        /** No authentication. */
        record None() implements Access {
        }

        /** HTTP Basic on every request. */
        record Basic(String user, String password) implements Access {
            public Basic {
                if (user == null || user.isBlank() || password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("basic authentication needs a user and a password");
                }
            }

            @Override
            public String toString() {
                return "Basic[user=" + user + "]"; // never the password
            }
        }

        /**
         * AWS SigV4 over HTTPS, signed for {@code service} ({@code es} for domains, {@code aoss} for serverless).
         *
         * @param http the AWS SDK HTTP client to send with; null for the SDK's URL-connection client
         */
        record SigV4(software.amazon.awssdk.regions.Region region, String service,
                     software.amazon.awssdk.http.SdkHttpClient http) implements Access {
            public SigV4 {
                Objects.requireNonNull(region, "region");
                if (!"es".equals(service) && !"aoss".equals(service)) {
                    throw new IllegalArgumentException("the signing service must be es or aoss, was " + service);
                }
            }
        }
    }

    /** The shards and replicas of each new generation. */
    public record Layout(int shards, int replicas) {
        public Layout {
            if (shards < 1 || replicas < 0) {
                throw new IllegalArgumentException("shards must be 1 or more and replicas 0 or more, were " + shards
                        + " and " + replicas);
            }
        }

        public static Layout single() {
            return new Layout(1, 0);
        }
    }

    private final Layout layout;

    /** Connects without authentication, one shard and no replica: a development or test cluster. */
    public OpenSearchSearchIndex(URI endpoint, String name) {
        this(endpoint, name, new Access.None(), Layout.single());
    }

    /** The call timeout unless the configuration gives another ({@code invoice.search.opensearch.call-timeout}). */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    public OpenSearchSearchIndex(URI endpoint, String name, Access access, Layout layout) {
        this(endpoint, name, access, layout, DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Connects and makes sure the read alias points at an index, creating the first generation if none does. A call
     * whose answer does not start within {@code callTimeout} fails (a cluster behind a black hole never answers), and
     * the processor retries its batch.
     */
    public OpenSearchSearchIndex(URI endpoint, String name, Access access, Layout layout, Duration callTimeout) {
        this.alias = Objects.requireNonNull(name, "name");
        this.buildingAlias = name + "-building";
        this.layout = Objects.requireNonNull(layout, "layout");
        if (callTimeout == null || !callTimeout.isPositive()) {
            throw new IllegalArgumentException("the call timeout must be positive, was " + callTimeout);
        }
        this.transport = transport(endpoint, access, new JacksonJsonpMapper(json), callTimeout);
        this.client = new OpenSearchClient(transport);
        try {
            this.generations = new IndexGenerations(new Aliases());
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot reach OpenSearch at " + endpoint + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static OpenSearchTransport transport(URI endpoint, Access access, JacksonJsonpMapper mapper,
                                                 Duration callTimeout) {
        org.apache.hc.core5.util.Timeout timeout = org.apache.hc.core5.util.Timeout.of(callTimeout);
        return switch (access) {
            case Access.None none -> ApacheHttpClient5TransportBuilder
                    .builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort()))
                    .setRequestConfigCallback(c -> c.setResponseTimeout(timeout).setConnectionRequestTimeout(timeout))
                    .setMapper(mapper).build();
            case Access.Basic basic -> ApacheHttpClient5TransportBuilder
                    .builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), endpoint.getPort()))
                    .setRequestConfigCallback(c -> c.setResponseTimeout(timeout).setConnectionRequestTimeout(timeout))
                    .setMapper(mapper)
                    .setDefaultHeaders(new org.apache.hc.core5.http.Header[]{
                            new org.apache.hc.core5.http.message.BasicHeader("Authorization", "Basic "
                                    + Base64.getEncoder().encodeToString((basic.user() + ":" + basic.password())
                                    .getBytes(StandardCharsets.UTF_8)))})
                    .build();
            case Access.SigV4 sigV4 -> {
                if (!"https".equals(endpoint.getScheme())) {
                    throw new IllegalArgumentException("AWS SigV4 needs an https:// endpoint, was " + endpoint);
                }
                String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
                yield new org.opensearch.client.transport.aws.AwsSdk2Transport(sigV4.http() != null ? sigV4.http()
                        : software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                        .socketTimeout(callTimeout).build(), host, sigV4.service(),
                        sigV4.region(), org.opensearch.client.transport.aws.AwsSdk2TransportOptions.builder()
                        .setMapper(mapper).build());
            }
        };
    }

    /** The generations as indexes {@code {name}-000001}, … and the aliases as OpenSearch aliases. */
    private final class Aliases implements IndexGenerations.Engine {
        private String aliasName(IndexGenerations.Alias alias) {
            return switch (alias) {
                case CURRENT -> OpenSearchSearchIndex.this.alias;
                case BUILDING -> buildingAlias;
            };
        }

        @Override
        public Optional<String> named(IndexGenerations.Alias alias) {
            try {
                return indexOf(aliasName(alias));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** One above the generations the aliases name. */
        @Override
        public String createNext() {
            int highest = 0;
            for (IndexGenerations.Alias a : IndexGenerations.Alias.values()) {
                highest = Math.max(highest, named(a).map(OpenSearchSearchIndex::number).orElse(0));
            }
            String fresh = generation(highest + 1);
            try {
                createIndex(fresh);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the search index " + fresh, e);
            }
            return fresh;
        }

        @Override
        public void point(IndexGenerations.Alias alias, String generation) {
            String name = aliasName(alias);
            Optional<String> before = named(alias);
            try {
                client.indices().updateAliases(u -> {
                    before.ifPresent(old -> u.actions(a -> a.remove(r -> r.index(old).alias(name))));
                    return u.actions(a -> a.add(add -> add.index(generation).alias(name)));
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot point " + name + " at " + generation, e);
            }
        }

        @Override
        public void unpoint(IndexGenerations.Alias alias) {
            String name = aliasName(alias);
            Optional<String> before = named(alias);
            if (before.isEmpty()) {
                return;
            }
            try {
                client.indices().updateAliases(u -> u.actions(a -> a.remove(r -> r.index(before.get()).alias(name))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + name, e);
            }
        }

        @Override
        public void promote(String generation) {
            String old = named(IndexGenerations.Alias.CURRENT).orElseThrow();
            try {
                client.indices().updateAliases(u -> u
                        .actions(a -> a.remove(r -> r.index(old).alias(alias)))
                        .actions(a -> a.remove(r -> r.index(generation).alias(buildingAlias)))
                        .actions(a -> a.add(add -> add.index(generation).alias(alias))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot swap in the rebuilt search index", e);
            }
        }

        @Override
        public void drop(String generation) {
            try {
                client.indices().delete(d -> d.index(generation));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the search index " + generation, e);
            }
        }
    }

    private String generation(int n) {
        return String.format(Locale.ROOT, "%s-%06d", alias, n);
    }

    /** The index an alias points at, if any. */
    private Optional<String> indexOf(String name) throws IOException {
        try {
            return client.indices().getAlias(g -> g.name(name)).result().keySet().stream().findFirst();
        } catch (OpenSearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String target() throws IOException {
        return indexOf(buildingAlias).orElse(alias);
    }

    private void createIndex(String index) throws IOException {
        client.indices().create(c -> c.index(index)
                .settings(s -> s.numberOfShards(layout.shards()).numberOfReplicas(layout.replicas())
                        .analysis(a -> a.normalizer("lowercase", n -> n.custom(cn -> cn.filter("lowercase")))))
                .mappings(mapping()));
    }

    private static TypeMapping mapping() {
        return TypeMapping.of(m -> m
                .dynamicTemplates(List.of(
                        Map.of("quantities", org.opensearch.client.opensearch._types.mapping.DynamicTemplate.of(d -> d
                                .pathMatch("quantity.*").mapping(p -> p.double_(x -> x)))),
                        Map.of("attributes", org.opensearch.client.opensearch._types.mapping.DynamicTemplate.of(d -> d
                                .matchMappingType("string").mapping(p -> p.text(x -> x))))))
                .properties("id", p -> p.keyword(k -> k))
                .properties("live", p -> p.boolean_(b -> b))
                .properties("invoice", p -> p.keyword(k -> k))
                .properties("transaction", p -> p.keyword(k -> k))
                .properties("country", p -> p.keyword(k -> k.normalizer("lowercase")))
                .properties("country_facet", p -> p.keyword(k -> k))
                .properties("amount", p -> p.long_(l -> l))
                .properties("currency", p -> p.keyword(k -> k))
                .properties("vendor", p -> p.text(t -> t))
                .properties("vendor_facet", p -> p.keyword(k -> k))
                .properties("item", p -> p.text(t -> t))
                .properties("text", p -> p.text(t -> t))
                .properties("source", p -> p.keyword(k -> k.index(false).docValues(false))));
    }

    @Override
    public Optional<SearchDocument> find(String id) {
        try {
            String index = target();
            var got = client.get(g -> g.index(index).id(id).realtime(true), Map.class);
            if (!got.found() || got.source() == null || !Boolean.TRUE.equals(got.source().get("live"))) {
                return Optional.empty();
            }
            return Optional.of(json.readValue((String) got.source().get("source"), SearchDocument.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + id + " from the search index", e);
        }
    }

    @Override
    public void apply(List<SearchWrite> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            String index = target();
            List<BulkOperation> operations = new ArrayList<>();
            for (SearchWrite write : writes) {
                Map<String, Object> doc = switch (write) {
                    case SearchWrite.Upsert upsert -> document(upsert.document());
                    case SearchWrite.Delete delete -> Map.of("id", delete.id(), "live", false);
                };
                operations.add(BulkOperation.of(o -> o.index(i -> i.index(index).id(write.id())
                        .version(write.version()).versionType(VersionType.External).document(doc))));
            }
            bulk(operations);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the search index", e);
        }
    }

    /** One bulk with retries; items refused as older than what the index holds are stale and skipped. */
    private void bulk(List<BulkOperation> operations) throws IOException {
        List<BulkOperation> pending = operations;
        for (int attempt = 1; ; attempt++) {
            BulkResponse response;
            try {
                List<BulkOperation> send = pending;
                // A forced refresh makes the batch searchable when apply returns; waiting for the next scheduled one
                // (wait_for) would hold every batch up to the refresh interval.
                response = client.bulk(b -> b.operations(send).refresh(Refresh.True));
            } catch (IOException | OpenSearchException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                backoff(attempt);
                continue;
            }
            List<BulkOperation> retry = new ArrayList<>();
            String reason = null;
            boolean busy = true;
            for (int i = 0; i < response.items().size(); i++) {
                BulkResponseItem item = response.items().get(i);
                if (item.error() == null || "version_conflict_engine_exception".equals(item.error().type())) {
                    continue;
                }
                retry.add(pending.get(i));
                reason = item.error().type() + ": " + item.error().reason();
                busy &= item.status() == 429 || item.status() >= 500;
            }
            if (retry.isEmpty()) {
                return;
            }
            if (attempt >= ATTEMPTS) {
                String message = retry.size() + " search index writes failed after " + ATTEMPTS
                        + " attempts; the last reason: " + reason;
                // A busy or failing node passes; a refused document (a mapping conflict) does not.
                throw busy ? new Failures.TransientFailure(message, null) : new IllegalStateException(message);
            }
            pending = retry;
            backoff(attempt);
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Duration.ofMillis(100L << attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a search index write", e);
        }
    }

    private Map<String, Object> document(SearchDocument d) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        d.attributes().forEach((name, text) -> doc.put(name.toLowerCase(Locale.ROOT).replace(' ', '_'), text));
        doc.put("id", d.id());
        doc.put("live", true);
        doc.put("invoice", d.invoiceNumber());
        doc.put("transaction", d.transactionId());
        doc.put("country", d.country());
        doc.put("country_facet", d.country());
        doc.put("amount", AmountUnits.exact(d.amount().amount()));
        doc.put("currency", d.amount().currency().getCurrencyCode());
        if (!d.vendor().isBlank()) {
            doc.put("vendor", d.vendor());
            doc.put("vendor_facet", d.vendor());
        }
        List<String> items = new ArrayList<>();
        Map<String, Object> quantities = new LinkedHashMap<>();
        for (SearchDocument.Item item : d.items()) {
            items.add(item.name());
            if (item.quantity() != null) {
                quantities.put(item.name().toLowerCase(Locale.ROOT), item.quantity().doubleValue());
            }
        }
        doc.put("item", items);
        doc.put("quantity", quantities);
        StringBuilder all = new StringBuilder();
        all.append(d.invoiceNumber()).append(' ').append(d.transactionId()).append(' ').append(d.country()).append(' ');
        d.attributes().values().forEach(text -> all.append(text).append(' '));
        all.append(String.join(", ", d.items().stream().map(SearchDocument.Item::toString).toList()));
        doc.put("text", all.toString());
        doc.put("source", json.writeValueAsString(d));
        return doc;
    }


    @Override
    public void beginRebuild() {
        generations.begin();
    }

    private static int number(String index) {
        return Integer.parseInt(index.substring(index.lastIndexOf('-') + 1));
    }

    @Override
    public boolean rebuilding() {
        return generations.rebuilding();
    }

    @Override
    public void completeRebuild() {
        generations.complete();
    }

    @Override
    public void abandonRebuild() {
        generations.abandon();
    }

    @Override
    public SearchResults search(SearchQuery q) {
        Query query = query(q);
        try {
            SearchResponse<Map> response;
            try {
                response = client.search(s -> {
                    s.index(alias).query(query).size(q.limit() + 1).trackTotalHits(t -> t.enabled(true))
                            .sort(o -> o.score(sc -> sc.order(SortOrder.Desc)))
                            .sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)))
                            .aggregations("country", a -> a.terms(t -> t.field("country_facet").size(20)))
                            .aggregations("vendor", a -> a.terms(t -> t.field("vendor_facet").size(20)))
                            .highlight(h -> h.preTags("<b>").postTags("</b>")
                                    .fields("text", f -> f.numberOfFragments(2)));
                    if (q.next() != null) {
                        s.searchAfter(after(q.next()));
                    }
                    return s;
                }, Map.class);
            } catch (OpenSearchException e) {
                if (e.status() == 400) {
                    throw new SearchResults.BadQuery(reason(e), e);
                }
                throw e;
            }
            List<Hit<Map>> all = response.hits().hits();
            int shown = Math.min(q.limit(), all.size());
            List<SearchResults.Hit> hits = new ArrayList<>();
            for (Hit<Map> hit : all.subList(0, shown)) {
                SearchDocument d = json.readValue((String) hit.source().get("source"), SearchDocument.class);
                List<String> highlights = hit.highlight().getOrDefault("text", List.of());
                hits.add(new SearchResults.Hit(d.id(), d.invoiceNumber(), d.transactionId(), d.country(),
                        d.amount().amount(), d.amount().currency().getCurrencyCode(), d.vendor(),
                        d.items().stream().map(SearchDocument.Item::toString).toList(),
                        hit.score() == null ? 0f : hit.score().floatValue(), highlights,
                        json.writeValueAsString(d.document())));
            }
            String next = all.size() > q.limit() ? token(all.get(shown - 1)) : null;
            Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
            for (String dim : List.of("country", "vendor")) {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (StringTermsBucket bucket : response.aggregations().get(dim).sterms().buckets().array()) {
                    counts.put(bucket.key(), bucket.docCount());
                }
                facets.put(dim, counts);
            }
            return new SearchResults(response.hits().total().value(), hits, facets, next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search the index", e);
        }
    }

    /** The parser's words: the innermost reason OpenSearch gives, on one line. */
    private static String reason(OpenSearchException e) {
        var cause = e.error();
        String reason = cause.reason();
        while (cause.causedBy() != null) {
            cause = cause.causedBy();
            reason = cause.reason() != null ? cause.reason() : reason;
        }
        if (cause.rootCause() != null && !cause.rootCause().isEmpty() && cause.rootCause().get(0).reason() != null) {
            reason = cause.rootCause().get(0).reason();
        }
        return reason == null ? "the query cannot be parsed" : reason.lines().findFirst().orElse(reason).strip();
    }

    private static Query query(SearchQuery q) {
        BoolQuery.Builder b = new BoolQuery.Builder();
        b.filter(f -> f.term(t -> t.field("live").value(FieldValue.of(true))));
        if (q.text() != null && !q.text().isBlank()) {
            b.must(m -> m.queryString(s -> s.query(q.text()).defaultField("text").allowLeadingWildcard(true)
                    .defaultOperator(Operator.And)));
        }
        if (q.country() != null) {
            b.filter(f -> f.term(t -> t.field("country").value(FieldValue.of(q.country()))));
        }
        if (q.invoice() != null) {
            b.filter(f -> f.term(t -> t.field("invoice").value(FieldValue.of(q.invoice()))));
        }
        if (q.minAmount() != null || q.maxAmount() != null) {
            b.filter(f -> f.range(r -> {
                r.field("amount");
                if (q.minAmount() != null) {
                    r.gte(JsonData.of(AmountUnits.atLeast(q.minAmount())));
                }
                if (q.maxAmount() != null) {
                    r.lte(JsonData.of(AmountUnits.atMost(q.maxAmount())));
                }
                return r;
            }));
        }
        if (q.item() != null) {
            String item = q.item().toLowerCase(Locale.ROOT);
            if (q.minQuantity() == null) {
                b.filter(f -> f.match(m -> m.field("item").query(FieldValue.of(item))));
            } else {
                b.filter(f -> f.range(r -> r.field("quantity." + item).gte(JsonData.of(q.minQuantity().doubleValue()))));
            }
        }
        return Query.of(qb -> qb.bool(b.build()));
    }

    private static String token(Hit<Map> last) {
        String text = last.score() + "\n" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<FieldValue> after(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 2);
            return List.of(FieldValue.of(Double.parseDouble(parts[0])), FieldValue.of(parts[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("next is not a page token of this search", e);
        }
    }

    /**
     * Why the cluster cannot be used now, or empty when it answers a ping. Waits at most the call timeout; the
     * readiness check waits less ({@code BoundedProbe}).
     */
    public Optional<String> unreachable() {
        try {
            return client.ping().value() ? Optional.empty() : Optional.of("OpenSearch answered the ping with an error");
        } catch (IOException | RuntimeException e) {
            return Optional.of("OpenSearch does not answer: " + (e.getMessage() == null ? e : e.getMessage()));
        }
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
