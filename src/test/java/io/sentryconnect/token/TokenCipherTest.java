package io.sentryconnect.token;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The key checks happen when the cipher is made, Tink's set-up on its first use (TokenCipher). */
@Tag("unit")
class TokenCipherTest {
    private static final String KEY_1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aCipherMadeWithoutTinkEncryptsAndDecryptsOnFirstUseUnderItsPrimaryKey() {
        TokenCipher cipher = new TokenCipher(new EncryptionProperties(2, Map.of("1", KEY_1, "2", KEY_2)));
        byte[] ciphertext = cipher.encrypt(Secret.of("a-token"), "ad");
        assertEquals(2, TokenCipher.keyIdOf(ciphertext));
        assertEquals("a-token", cipher.decrypt(ciphertext, "ad").reveal());
        // Another instance (another process after a restart) with the same keys reads it, its Tink set up by decrypt.
        TokenCipher restarted = new TokenCipher(new EncryptionProperties(1, Map.of("1", KEY_1, "2", KEY_2)));
        assertEquals("a-token", restarted.decrypt(ciphertext, "ad").reveal());
        assertThrows(TokenCipher.TokenDecryptionException.class, () -> restarted.decrypt(ciphertext, "another row"));
    }

    @Test
    void everyKeyIsCheckedWhenTheCipherIsMadeNotOnFirstUse() {
        ConfigurationException badId = assertThrows(ConfigurationException.class,
                () -> new TokenCipher(new EncryptionProperties(1, Map.of("1", KEY_1, "x", KEY_2))));
        assertEquals("sentry-connect.encryption.keys: key ids are integers, not 'x'", badId.getMessage());
        ConfigurationException shortKey = assertThrows(ConfigurationException.class,
                () -> new TokenCipher(new EncryptionProperties(1, Map.of("1", KEY_1, "2", "AAAA"))));
        assertEquals("sentry-connect.encryption.keys.2 must be 32 bytes (base64 of 32 random bytes)", shortKey.getMessage());
        // An entry an unset environment variable left empty is no key (the standalone's "2": ${SENTRY_CONNECT_KEY_2:})...
        TokenCipher oneKey = new TokenCipher(new EncryptionProperties(1, Map.of("1", KEY_1, "2", " ")));
        assertEquals("t", oneKey.decrypt(oneKey.encrypt(Secret.of("t"), "ad"), "ad").reveal());
        // ...but it cannot be the primary key, nor the only one, and the message says it is empty.
        for (EncryptionProperties blank : List.of(new EncryptionProperties(2, Map.of("1", KEY_1, "2", " ")),
                new EncryptionProperties(2, Map.of("2", "")))) {
            ConfigurationException empty = assertThrows(ConfigurationException.class, () -> new TokenCipher(blank));
            assertEquals("sentry-connect.encryption.keys.2 is empty (an environment variable it names may be unset): set "
                    + "it to the base64 of 32 random bytes", empty.getMessage());
        }
        assertThrows(ConfigurationException.class, () -> new TokenCipher(new EncryptionProperties(3, Map.of("1", KEY_1))));
    }
}
