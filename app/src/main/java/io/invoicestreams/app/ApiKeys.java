package io.invoicestreams.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys the operator configured, as {@code name:secret} pairs: the name says who called (it appears in logs,
 * the secret never does). Only SHA-256 digests of the secrets are kept, and every comparison is in constant time
 * over every key, so neither timing nor a heap dump gives a secret away.
 */
final class ApiKeys {

    static final String ADMIN = "admin";
    static final String READER = "reader";
    static final int MIN_SECRET_LENGTH = 16;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** One key: who holds it, the digest of its secret and its roles. */
    record Key(String name, byte[] digest, Set<String> roles) {
    }

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * @param admin keys that may use the admin endpoints (and read)
     * @param read  keys that may only read
     * @throws IllegalArgumentException naming the setting and the key's position, never the secret
     */
    static ApiKeys parse(Optional<List<String>> admin, Optional<List<String>> read) {
        List<Key> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        add(keys, names, admin.orElse(List.of()), "invoice.security.admin-keys", Set.of(ADMIN, READER));
        add(keys, names, read.orElse(List.of()), "invoice.security.read-keys", Set.of(READER));
        return new ApiKeys(keys);
    }

    private static void add(List<Key> keys, Set<String> names, List<String> entries, String setting,
                            Set<String> roles) {
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            int colon = entry.indexOf(':');
            String where = setting + " entry " + (i + 1);
            if (colon < 0) {
                throw new IllegalArgumentException(where + " must be name:secret");
            }
            String name = entry.substring(0, colon);
            String secret = entry.substring(colon + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + " has a name that is not 1-64 letters, digits, '.', '_'"
                        + " or '-'");
            }
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException(where + " (" + name + ") has a secret shorter than "
                        + MIN_SECRET_LENGTH + " characters");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + " repeats the name " + name);
            }
            keys.add(new Key(name, digest(secret), roles));
        }
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    List<String> names() {
        return keys.stream().map(Key::name).toList();
    }

    /** The key with this secret, whatever its name (the {@code X-API-Key} header). */
    Optional<Key> bySecret(String secret) {
        return match(null, secret);
    }

    /** The key with this name and secret (HTTP Basic: the name as user, the secret as password). */
    Optional<Key> byNameAndSecret(String name, String secret) {
        return match(name, secret);
    }

    private Optional<Key> match(String name, String secret) {
        byte[] digest = digest(secret);
        Key found = null;
        for (Key key : keys) { // every key is compared, so the time does not say which one matched
            boolean same = MessageDigest.isEqual(key.digest(), digest);
            if (same && (name == null || MessageDigest.isEqual(key.name().getBytes(StandardCharsets.UTF_8),
                    name.getBytes(StandardCharsets.UTF_8)))) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
