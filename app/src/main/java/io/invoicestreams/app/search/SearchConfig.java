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

    OpenSearch opensearch();

    interface OpenSearch {
        /** The OpenSearch endpoint, such as https://search.example.com:443. */
        Optional<URI> endpoint();

        /** The read alias; indexes are {index}-000001 and so on, and a rebuild fills {index}-building. */
        @WithDefault("invoice-search")
        String index();
    }
}
