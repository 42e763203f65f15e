package io.sentryconnect.token;

import jakarta.inject.Singleton;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadWrapper;
import com.google.crypto.tink.aead.AesGcmKeyManager;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import io.micronaut.context.exceptions.ConfigurationException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;

/**
 * Encrypts secrets at rest with Google Tink's AES-256-GCM. Every ciphertext starts with Tink's 5-byte prefix that
 * names its key id, so decryption picks the right key after rotation. The associated data binds a ciphertext to
 * its row (tenant, grant and column): copied to another row, it does not decrypt.
 */
@Singleton // checked at start-up by RequiredSettings, so that unusable keys stop the service before it serves anything
public final class TokenCipher {
    private final EncryptionProperties properties;
    private final int primaryKeyId;
    /** Tink is set up on first use: its classes (about 230 with protobuf's) are then no part of a start. */
    private volatile Aead aead;

    public TokenCipher(EncryptionProperties properties) {
        // Every check of the key material, without Tink: what can be wrong with a key fails here, at start-up.
        validate(properties);
        this.properties = properties;
        this.primaryKeyId = properties.primaryKeyId();
    }

    private Aead aead() {
        Aead current = aead;
        if (current == null) {
            synchronized (this) {
                if (aead == null) {
                    aead = create(properties);
                }
                current = aead;
            }
        }
        return current;
    }

    private static Aead create(EncryptionProperties properties) {
        try {
            // The AES-GCM key type and the keyset wrapper only: AeadConfig.register() sets up every AEAD and MAC type
            // Tink has, which costs about 0.3 s of CPU for types we never use.
            AesGcmKeyManager.register(true);
            AeadWrapper.register();
            return keyset(properties).getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("sentry-connect.encryption: the keys cannot be used: " + e.getClass().getSimpleName());
        }
    }

    private static void validate(EncryptionProperties properties) {
        Map<String, String> keys = properties.usableKeys();
        if (properties.keys() != null && !properties.keys().isEmpty()) {
            // An empty entry is most often "${SOME_VARIABLE:}" with the variable unset: say so, when it leaves no key
            // or is the primary one, rather than that no key or a short one is set.
            String primary = String.valueOf(properties.primaryKeyId());
            String empty = keys.isEmpty() ? properties.keys().keySet().iterator().next()
                    : properties.keys().containsKey(primary) && !keys.containsKey(primary) ? primary : null;
            if (empty != null) {
                throw new ConfigurationException("sentry-connect.encryption.keys." + empty + " is empty (an environment "
                        + "variable it names may be unset): set it to the base64 of 32 random bytes");
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigurationException("sentry-connect.encryption.keys is not set: set it to a map of key id to a "
                    + "base64 AES-256 key (32 random bytes), e.g. sentry-connect.encryption.keys.1, from a secret store.");
        }
        if (properties.primaryKeyId() == null) {
            throw new ConfigurationException("sentry-connect.encryption.primary-key-id is not set: set it to the id of the "
                    + "key that encrypts new tokens, one of " + keys.keySet() + ".");
        }
        if (!keys.containsKey(String.valueOf(properties.primaryKeyId()))) {
            throw new ConfigurationException("sentry-connect.encryption.primary-key-id names no configured key");
        }
        keys.forEach((id, base64) -> {
            parseId(id);
            decode(id, base64);
        });
    }

    private static KeysetHandle keyset(EncryptionProperties properties) throws GeneralSecurityException {
        Map<String, String> keys = properties.usableKeys();
        AesGcmParameters parameters = AesGcmParameters.builder()
                .setKeySizeBytes(32).setIvSizeBytes(12).setTagSizeBytes(16)
                .setVariant(AesGcmParameters.Variant.TINK)
                .build();
        KeysetHandle.Builder builder = KeysetHandle.newBuilder();
        for (Map.Entry<String, String> entry : keys.entrySet()) {
            int id = parseId(entry.getKey());
            byte[] material = decode(entry.getKey(), entry.getValue());
            AesGcmKey key = AesGcmKey.builder()
                    .setParameters(parameters)
                    .setKeyBytes(SecretBytes.copyFrom(material, InsecureSecretKeyAccess.get()))
                    .setIdRequirement(id)
                    .build();
            KeysetHandle.Builder.Entry keyEntry = KeysetHandle.importKey(key).setStatus(com.google.crypto.tink.KeyStatus.ENABLED);
            if (id == properties.primaryKeyId()) {
                keyEntry.makePrimary();
            }
            builder.addEntry(keyEntry);
        }
        return builder.build();
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("sentry-connect.encryption.keys: key ids are integers, not '" + id + "'");
        }
    }

    private static byte[] decode(String id, String base64) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("sentry-connect.encryption.keys." + id + " is not base64");
        }
        if (material.length != 32) {
            throw new ConfigurationException("sentry-connect.encryption.keys." + id + " must be 32 bytes (base64 of 32 random bytes)");
        }
        return material;
    }

    /** The key id that new ciphertexts are written with. */
    public int primaryKeyId() {
        return primaryKeyId;
    }

    public byte[] encrypt(Secret secret, String associatedData) {
        try {
            return aead().encrypt(secret.bytes(), associatedData.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** Decrypts, or fails with {@link TokenDecryptionException} when the key is gone or the row is not the one it was written for. */
    public Secret decrypt(byte[] ciphertext, String associatedData) {
        try {
            return Secret.of(new String(aead().decrypt(ciphertext, associatedData.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new TokenDecryptionException();
        }
    }

    /** The key id a ciphertext was written with (Tink's prefix: one version byte, then the id big-endian). */
    public static int keyIdOf(byte[] ciphertext) {
        return ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16) | ((ciphertext[3] & 0xff) << 8) | (ciphertext[4] & 0xff);
    }

    /** A ciphertext that does not decrypt under any configured key with the expected associated data. */
    public static final class TokenDecryptionException extends RuntimeException {
        TokenDecryptionException() {
            super("a stored secret does not decrypt: unknown key, or a ciphertext moved to another row");
        }
    }
}
