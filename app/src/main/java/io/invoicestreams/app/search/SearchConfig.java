package io.invoicestreams.app.search;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Full-text search. The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.search")
public interface SearchConfig {

    /** The search engine; {@code lucene} or {@code opensearch}. */
    enum SearchEngine { LUCENE, OPENSEARCH }

    /** lucene (in the JVM, the embedded default) or opensearch. */
    @WithDefault("lucene")
    SearchEngine engine();

    /** Folder of the Lucene index, the embedded default. Empty: {data-dir}/search. */
    Optional<String> luceneDir();

    /** The longest one Lucene search may run before it is given up with 503. */
    @io.smallrye.config.WithDefault("5s")
    java.time.Duration timeout();

    OpenSearch opensearch();

    interface OpenSearch {
        /** The OpenSearch endpoint, such as https://search.example.com:443. */
        Optional<URI> endpoint();

        /** The read alias; indexes are {index}-000001 and so on, and a rebuild fills {index}-building. */
        @WithDefault("invoice-search")
        String index();

        /** How the service authenticates: none, basic (user and password) or aws-sigv4 (Amazon OpenSearch Service). */
        @WithDefault("none")
        Auth auth();

        /** The user, with auth=basic. */
        Optional<String> user();

        /** The password, with auth=basic; give it as INVOICE_SEARCH_OPENSEARCH_PASSWORD, never in a file. */
        Optional<String> password();

        /** The region to sign for, with auth=aws-sigv4; empty: the default region provider chain. */
        Optional<String> region();

        /** The service to sign for, with auth=aws-sigv4: es (a domain) or aoss (serverless). */
        @WithDefault("es")
        String signingService();

        /** Primary shards of each new index generation. */
        @WithDefault("1")
        int shards();

        /** Replicas of each shard of each new index generation; 1 or more in production. */
        @WithDefault("0")
        int replicas();

        /**
         * How long a call may wait for the cluster's answer before it fails and the search read model retries its
         * batch. The readiness check waits 2 s at most.
         */
        @WithDefault("30s")
        java.time.Duration callTimeout();
    }

    /** The authentication to OpenSearch. */
    enum Auth { NONE, BASIC, AWS_SIGV4 }
}
