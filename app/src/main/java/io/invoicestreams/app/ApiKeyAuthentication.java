package io.invoicestreams.app;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * API-key authentication through Quarkus security (ADR 0015). A caller presents a key as {@code X-API-Key: secret}
 * or as HTTP Basic {@code name:secret}. Admin keys carry the roles {@value ApiKeys#ADMIN} and
 * {@value ApiKeys#READER}, read keys {@value ApiKeys#READER}. A caller without a key gets {@value ApiKeys#READER}
 * unless {@code invoice.security.protect-reads} is set. With {@code invoice.security.enabled=false} (the demo
 * profile only) every caller gets both roles.
 */
public final class ApiKeyAuthentication {

    static final String HEADER = "X-API-Key";
    static final String CHALLENGE = "Basic realm=\"invoice-streams\", ApiKey header=\"" + HEADER + "\"";

    private static final Logger LOG = Logger.getLogger(ApiKeyAuthentication.class);

    private ApiKeyAuthentication() {
    }

    /** A key as the request presented it; the name is null for the {@code X-API-Key} header. */
    static final class KeyRequest extends BaseAuthenticationRequest {
        final String name;
        final String secret;

        KeyRequest(String name, String secret) {
            this.name = name;
            this.secret = secret;
        }
    }

    /** The configured keys, checked once at start-up: a malformed key stops the service with its position. */
    @Singleton
    public static class Settings {
        final boolean enabled;
        final boolean protectReads;
        final ApiKeys keys;

        Settings(SecurityConfig config) {
            var security = config;
            this.enabled = security.enabled();
            this.protectReads = security.protectReads();
            this.keys = ApiKeys.parse(security.adminKeys(), security.readKeys());
        }

        void onStart(@Observes StartupEvent event) {
            if (!enabled) {
                LOG.warn("Security is off (invoice.security.enabled=false): anyone who reaches this port can rebuild"
                        + " read models, manage dead letters and assign verifiers. Use this for a local demo only.");
            } else if (keys.isEmpty()) {
                LOG.warn("No API keys are configured: the admin endpoints refuse every request. Set"
                        + " INVOICE_SECURITY_ADMIN_KEYS=name:secret to use them.");
            } else {
                LOG.infof("API keys configured for: %s; reads %s", keys.names(),
                        protectReads ? "need a key" : "are open");
            }
        }
    }

    /** Reads the key from the request; a request without one goes on as anonymous. */
    @Singleton
    public static class Mechanism implements HttpAuthenticationMechanism {
        private final FailedAuthentications failures;

        Mechanism(FailedAuthentications failures) {
            this.failures = failures;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
            boolean presents = context.request().getHeader(HEADER) != null
                    || context.request().getHeader("Authorization") != null;
            if (!presents) {
                return Uni.createFrom().optional(java.util.Optional.empty());
            }
            String client = context.request().remoteAddress() == null ? "unknown"
                    : context.request().remoteAddress().hostAddress();
            try {
                failures.checkAllowed(client);
            } catch (AuthenticationFailedException e) {
                return Uni.createFrom().failure(e);
            }
            String what = context.request().method() + " " + context.request().path();
            return presented(context, identities).onFailure(AuthenticationFailedException.class)
                    .invoke(e -> failures.failed(client, what));
        }

        private Uni<SecurityIdentity> presented(RoutingContext context, IdentityProviderManager identities) {
            String key = context.request().getHeader(HEADER);
            if (key != null) {
                return identities.authenticate(new KeyRequest(null, key));
            }
            String authorization = context.request().getHeader("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                String pair;
                try {
                    pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                            StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return Uni.createFrom().failure(new AuthenticationFailedException("the Basic credentials are"
                            + " not base64"));
                }
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    return Uni.createFrom().failure(new AuthenticationFailedException("the Basic credentials are"
                            + " not name:secret"));
                }
                return identities.authenticate(new KeyRequest(pair.substring(0, colon), pair.substring(colon + 1)));
            }
            return Uni.createFrom().optional(java.util.Optional.empty());
        }

        @Override
        public Uni<ChallengeData> getChallenge(RoutingContext context) {
            return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
        }

        @Override
        public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
            return Set.of(KeyRequest.class);
        }
    }

    /** Turns a presented key into the identity of its holder, or fails without saying which part was wrong. */
    @Singleton
    public static class Provider implements IdentityProvider<KeyRequest> {
        private final Settings settings;

        Provider(Settings settings) {
            this.settings = settings;
        }

        @Override
        public Class<KeyRequest> getRequestType() {
            return KeyRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(KeyRequest request, AuthenticationRequestContext context) {
            var key = request.name == null ? settings.keys.bySecret(request.secret)
                    : settings.keys.byNameAndSecret(request.name, request.secret);
            if (key.isEmpty()) {
                return Uni.createFrom().failure(new AuthenticationFailedException("the API key is not valid"));
            }
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(key.get().name()))
                    .addRoles(key.get().roles())
                    .build());
        }
    }

    /** Gives a caller without a key the roles the configuration leaves open. */
    @Singleton
    public static class AnonymousRoles implements SecurityIdentityAugmentor {
        private final Settings settings;

        AnonymousRoles(Settings settings) {
            this.settings = settings;
        }

        @Override
        public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
            if (!identity.isAnonymous()) {
                return Uni.createFrom().item(identity);
            }
            Set<String> roles = !settings.enabled ? Set.of(ApiKeys.ADMIN, ApiKeys.READER)
                    : settings.protectReads ? Set.of() : Set.of(ApiKeys.READER);
            return Uni.createFrom().item(roles.isEmpty() ? identity
                    : QuarkusSecurityIdentity.builder(identity).addRoles(roles).build());
        }
    }
}
