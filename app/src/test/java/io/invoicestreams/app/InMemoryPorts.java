package io.invoicestreams.app;

import io.invoicestreams.adapters.source.ChangeSource;
import io.invoicestreams.adapters.source.SourceStatus;
import io.invoicestreams.projections.countryverification.CountryVerificationStore;
import io.invoicestreams.projections.countryverification.InMemoryCountryVerificationStore;
import io.invoicestreams.projections.reporting.InvoiceTransactions;
import io.invoicestreams.projections.totals.InMemoryTotalsStore;
import io.invoicestreams.projections.totals.TotalsStore;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The service with its DynamoDB ports in memory: no DynamoDB Local, no SQS, so a test of the HTTP API's input
 * handling and security starts no process and is a {@code *Test}. The event store (H2 in memory), the search index
 * (Lucene) and the archive's analytics (DuckDB) are the real ones, in this JVM. A test selects it with
 * {@code @TestProfile(InMemoryPorts.Profile.class)}, or a profile that extends {@link Profile}.
 */
@Alternative
@Singleton
public class InMemoryPorts {

    /** Selects these producers, and points DynamoDB at a closed port so that any use of it fails loudly. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(InMemoryPorts.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invoice.dynamodb.local.enabled", "false",
                    "invoice.dynamodb.endpoint", "http://127.0.0.1:9",
                    "invoice.aws.endpoint-credentials", "local",
                    "invoice.notifications.enabled", "false");
        }
    }

    @Alternative
    @Produces
    @Singleton
    TotalsStore totals(Currency currency) {
        return new InMemoryTotalsStore(currency);
    }

    @Alternative
    @Produces
    @Singleton
    CountryVerificationStore countryVerification() {
        return new InMemoryCountryVerificationStore();
    }

    /** Every invoice has no transactions; a page token is checked as the DynamoDB adapter checks its shape. */
    @Alternative
    @Produces
    @Singleton
    InvoiceTransactions transactions() {
        return (invoice, prefix, limit, next) -> {
            if (next.isPresent()) {
                throw new InvoiceTransactions.BadPageToken("next is not a page token of this API");
            }
            return new InvoiceTransactions.Page(List.of(), Optional.empty());
        };
    }

    /** A source that reads nothing and says it polls, so that readiness is up. */
    @Alternative
    @Produces
    @Singleton
    ChangeSource source() {
        return new ChangeSource() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public SourceStatus status() {
                return new SourceStatus(running, Optional.of("in-memory"), 0, Instant.now(), Optional.empty(),
                        Optional.empty(), Optional.empty());
            }

            @Override
            public void close() {
                running = false;
            }
        };
    }
}
