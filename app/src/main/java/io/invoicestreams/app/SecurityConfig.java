package io.invoicestreams.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Who may call the HTTP API (ADR 0015). The README's configuration table lists the same keys. */
@ConfigMapping(prefix = "invoice.security")
public interface SecurityConfig {
    /** Check API keys. Off only in the demo profile: then every caller may use the admin endpoints. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Keys for the admin endpoints (rebuild, dead letters, parked records, verifiers), comma-separated
     * name:secret pairs with secrets of 16 characters or more. Give them as INVOICE_SECURITY_ADMIN_KEYS from a
     * secret store, never in a committed file. None: the admin endpoints refuse every request.
     */
    Optional<java.util.List<String>> adminKeys();

    /** Keys that may only read, as name:secret pairs; they matter when reads are protected. */
    Optional<java.util.List<String>> readKeys();

    /**
     * Failed authentications one client address may make in a minute; beyond, it gets 429 until the minute is over.
     */
    @WithDefault("10")
    int maxFailuresPerMinute();

    /** Reads (invoices, search, analytics, projections) need a key too. */
    @WithDefault("false")
    boolean protectReads();
}
