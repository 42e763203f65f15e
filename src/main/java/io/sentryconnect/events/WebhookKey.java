package io.sentryconnect.events;

import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.token.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One webhook signing key, read from a setting: a Standard Webhooks secret {@code whsec_<base64 of 24–64 bytes>}, or
 * (deprecated, for this release only) the plain secret of earlier releases, whose key is its UTF-8 bytes, which is the
 * same key as {@code whsec_<base64 of the plain secret>}. Its {@code toString()} never shows the key.
 */
final class WebhookKey {
    static final String PREFIX = "whsec_";
    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;

    private final byte[] bytes;
    private final boolean plain;

    private WebhookKey(byte[] bytes, boolean plain) {
        this.bytes = bytes;
        this.plain = plain;
    }

    /** @param setting the key's name, for the message when the value is unusable (which never repeats the value) */
    static WebhookKey parse(String setting, Secret value) {
        String text = value.reveal().strip();
        if (text.isEmpty()) {
            throw new ConfigurationException(setting + " is empty: set it to whsec_ followed by the base64 of 32 random bytes "
                    + "(e.g. whsec_$(openssl rand -base64 32)).");
        }
        if (!text.startsWith(PREFIX)) {
            return new WebhookKey(text.getBytes(StandardCharsets.UTF_8), true);
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting + " is not whsec_ followed by standard base64.");
        }
        if (decoded.length < MIN_BYTES || decoded.length > MAX_BYTES) {
            throw new ConfigurationException(setting + " must encode " + MIN_BYTES + " to " + MAX_BYTES + " bytes (it encodes "
                    + decoded.length + "): use whsec_ followed by the base64 of 32 random bytes.");
        }
        return new WebhookKey(decoded, false);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** Whether this is an earlier release's plain secret rather than a {@code whsec_} one. */
    boolean plain() {
        return plain;
    }

    @Override
    public String toString() {
        return "WebhookKey[redacted]";
    }
}
