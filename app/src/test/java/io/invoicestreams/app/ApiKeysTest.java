package io.invoicestreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private static final String SECRET = "s3cr3t-0123456789-abcdef";

    @Test
    void a_key_is_found_by_its_secret_or_by_name_and_secret_with_its_roles() {
        ApiKeys keys = ApiKeys.parse(Optional.of(List.of("ops:" + SECRET)), Optional.of(List.of(
                "viewer:read-only-0123456789")));
        assertThat(keys.bySecret(SECRET)).map(ApiKeys.Key::name).contains("ops");
        assertThat(keys.bySecret(SECRET).orElseThrow().roles()).containsExactlyInAnyOrder("admin", "reader");
        assertThat(keys.bySecret("read-only-0123456789").orElseThrow().roles()).containsExactly("reader");
        assertThat(keys.byNameAndSecret("ops", SECRET)).isPresent();
        assertThat(keys.byNameAndSecret("viewer", SECRET)).isEmpty();
        assertThat(keys.bySecret(SECRET + "x")).isEmpty();
        assertThat(keys.bySecret("")).isEmpty();
        assertThat(keys.names()).containsExactly("ops", "viewer");
    }

    @Test
    void no_keys_means_nobody_is_an_admin() {
        ApiKeys keys = ApiKeys.parse(Optional.empty(), Optional.empty());
        assertThat(keys.isEmpty()).isTrue();
        assertThat(keys.bySecret(SECRET)).isEmpty();
    }

    @Test
    void a_malformed_key_is_refused_by_its_position_and_never_by_its_secret() {
        assertThatThrownBy(() -> ApiKeys.parse(Optional.of(List.of("ops:" + SECRET, "ci:short")), Optional.empty()))
                .hasMessage("invoice.security.admin-keys entry 2 (ci) has a secret shorter than 16 characters");
        assertThatThrownBy(() -> ApiKeys.parse(Optional.of(List.of(SECRET)), Optional.empty()))
                .hasMessage("invoice.security.admin-keys entry 1 must be name:secret")
                .message().doesNotContain(SECRET);
        assertThatThrownBy(() -> ApiKeys.parse(Optional.of(List.of("o ps:" + SECRET)), Optional.empty()))
                .message().contains("entry 1").doesNotContain(SECRET);
        assertThatThrownBy(() -> ApiKeys.parse(Optional.of(List.of("ops:" + SECRET)),
                Optional.of(List.of("ops:another-secret-0123456789"))))
                .hasMessage("invoice.security.read-keys entry 1 repeats the name ops");
    }
}
