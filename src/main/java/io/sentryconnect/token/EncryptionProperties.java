package io.sentryconnect.token;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.util.Map;

/**
 * {@code sentry-connect.encryption.*}: AES-256-GCM keys by id (base64 of 32 random bytes, e.g.
 * {@code openssl rand -base64 32}) and which one encrypts. The others still decrypt, so a new key can be added and
 * made primary while old ciphertexts keep working.
 *
 * @param primaryKeyId the key that encrypts
 * @param keys         key id → base64 key
 */
@ConfigurationProperties("sentry-connect.encryption")
public record EncryptionProperties(@Nullable Integer primaryKeyId, @Nullable Map<String, String> keys) {
    /**
     * The keys that hold material: an entry left empty by an unset environment variable (the standalone service's
     * {@code "2": ${SENTRY_CONNECT_KEY_2:}}) is no key.
     */
    public Map<String, String> usableKeys() {
        if (keys == null) {
            return Map.of();
        }
        Map<String, String> usable = new java.util.LinkedHashMap<>();
        keys.forEach((id, value) -> {
            if (value != null && !value.isBlank()) {
                usable.put(id, value);
            }
        });
        return usable;
    }

    /** The key ids only: the key material must never reach a log line or an error message. */
    @Override
    public String toString() {
        return "EncryptionProperties[primaryKeyId=" + primaryKeyId + ", keyIds=" + (keys == null ? "[]" : keys.keySet()) + "]";
    }
}
