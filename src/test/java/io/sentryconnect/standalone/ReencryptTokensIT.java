package io.sentryconnect.standalone;

import io.sentryconnect.support.RunnerJar;
import io.sentryconnect.support.ScratchSchema;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.EncryptionProperties;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.TokenCipher;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar <runner jar> reencrypt-tokens} as an operator runs it, on a schema the command itself migrates.
 * Its exit status is what a rotation script reads before it removes the old key: 0 when every grant is now under the
 * primary key, 3 when a grant's tokens decrypt under no configured key (that grant is left as it is).
 */
class ReencryptTokensIT {
    /** The key the grants were written under, and the one made primary since; both configured for the command. */
    private static final String OLD_KEY = key(1);
    private static final String PRIMARY_KEY = key(2);
    /** A key the command is not given, as if it had been removed from the configuration too early. */
    private static final String UNCONFIGURED_KEY = key(9);

    @Test
    void everyGrantDecryptsSoTheCommandExitsZeroWithEveryGrantUnderThePrimaryKey() throws Exception {
        try (ScratchSchema schema = ScratchSchema.create("reencrypt_ok")) {
            assertEquals(0, reencrypt(schema, "reencrypt-tokens-migrate-ok.log").status(), "an empty schema, migrated");
            Map<UUID, Tokens> grants = new LinkedHashMap<>();
            for (int n = 1; n <= 3; n++) {
                Tokens tokens = Tokens.fresh();
                grants.put(insertGrant(schema, n, 1, OLD_KEY, tokens), tokens);
            }

            Run run = reencrypt(schema, "reencrypt-tokens-ok.log");

            assertEquals(0, run.status(), run.output());
            assertTrue(run.output().contains("3 grants re-encrypted, 0 skipped"), run.output());
            grants.forEach((id, tokens) -> assertUnderPrimaryKey(schema, id, tokens));
        }
    }

    @Test
    void aGrantUnderAnUnconfiguredKeyMakesTheCommandExitThreeAndIsLeftAsItIsWhileTheOthersAreReencrypted() throws Exception {
        try (ScratchSchema schema = ScratchSchema.create("reencrypt_skip")) {
            assertEquals(0, reencrypt(schema, "reencrypt-tokens-migrate-skip.log").status(), "an empty schema, migrated");
            // The lowest id, so that it comes first in the batch: the grants after it must still be re-encrypted.
            Tokens lostTokens = Tokens.fresh();
            UUID lost = insertGrant(schema, 1, 9, UNCONFIGURED_KEY, lostTokens);
            Map<String, Object> lostBefore = wholeRow(schema, lost);
            Map<UUID, Tokens> readable = new LinkedHashMap<>();
            for (int n = 2; n <= 3; n++) {
                Tokens tokens = Tokens.fresh();
                readable.put(insertGrant(schema, n, 1, OLD_KEY, tokens), tokens);
            }

            Run run = reencrypt(schema, "reencrypt-tokens-skip.log");

            assertEquals(3, run.status(), run.output());
            readable.forEach((id, tokens) -> assertUnderPrimaryKey(schema, id, tokens));
            assertEquals(lostBefore, wholeRow(schema, lost), "the undecryptable grant is left as it was");
            assertEquals(9, lostBefore.get("key_id"));
            assertTrue(run.output().contains("2 grants re-encrypted, 1 skipped"), run.output());
            assertTrue(run.output().contains(lost.toString()), "the skipped grant's id, for the operator: " + run.output());
            List<String> secrets = new ArrayList<>(List.of(lostTokens.access(), lostTokens.refresh(),
                    OLD_KEY, PRIMARY_KEY, UNCONFIGURED_KEY));
            readable.values().forEach(t -> secrets.addAll(List.of(t.access(), t.refresh())));
            for (String secret : secrets) {
                assertFalse(run.output().contains(secret), "a token or key in the command's output");
            }
        }
    }

    private record Run(int status, String output) {
    }

    private record Tokens(String access, String refresh) {
        /** Values no other grant of the run has, so that finding one in the output names which grant leaked. */
        static Tokens fresh() {
            return new Tokens("test-access-" + UUID.randomUUID().toString().replace("-", ""),
                    "test-refresh-" + UUID.randomUUID().toString().replace("-", ""));
        }
    }

    /** Runs the command with keys 1 and 2 (2 primary) on {@code schema}, to its exit (bounded); output into {@code target/}. */
    private static Run reencrypt(ScratchSchema schema, String logName) throws Exception {
        Map<String, String> properties = new TreeMap<>(RunnerJar.requiredSettings());
        properties.putAll(schema.properties());
        properties.put("sentry-connect.encryption.keys.1", OLD_KEY);
        properties.put("sentry-connect.encryption.keys.2", PRIMARY_KEY);
        properties.put("sentry-connect.encryption.primary-key-id", "2");
        Path log = Path.of("target", logName);
        Process process = new ProcessBuilder(RunnerJar.command(properties,
                List.of("-jar", RunnerJar.jar("-runner.jar").toString(), "reencrypt-tokens")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Bounded generously for a loaded build machine; a quiet one is done in seconds.
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("reencrypt-tokens did not exit; see " + log.toAbsolutePath());
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    /**
     * An active grant whose tokens are encrypted under {@code keyId} for its row, as the service writes them; its id
     * is {@code n} in the last digits, so that the ids sort as {@code n} does.
     */
    private static UUID insertGrant(ScratchSchema schema, int n, int keyId, String key, Tokens tokens) throws Exception {
        UUID id = UUID.fromString(String.format("00000000-0000-4000-8000-%012d", n));
        String tenant = "t-reencrypt";
        TokenCipher cipher = cipher(keyId, key);
        try (Connection c = schema.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sentry_connect_grant (id, tenant_id, user_id, status, org_id, org_slug, org_name, region_url, scopes, "
                        + "access_token, refresh_token, key_id, token_issued_at, expires_at, created_at, updated_at) "
                        + "VALUES (?, ?, 'u1', 'active', ?, ?, ?, 'https://sentry.io', 'org:read', ?, ?, ?, now(), "
                        + "now() + interval '8 hours', now(), now())")) {
            ps.setObject(1, id);
            ps.setString(2, tenant);
            ps.setString(3, "org-" + n);
            ps.setString(4, "org-" + n);
            ps.setString(5, "Org " + n);
            ps.setBytes(6, cipher.encrypt(Secret.of(tokens.access()), AssociatedData.grantToken(tenant, id, "access")));
            ps.setBytes(7, cipher.encrypt(Secret.of(tokens.refresh()), AssociatedData.grantToken(tenant, id, "refresh")));
            ps.setInt(8, keyId);
            ps.executeUpdate();
        }
        return id;
    }

    private static Map<String, Object> row(ScratchSchema schema, UUID id) {
        return schema.query("SELECT id, tenant_id, access_token, refresh_token, key_id FROM sentry_connect_grant WHERE id = ?", id).get(0);
    }

    /** Every column of the grant's row, its bytes as hex so that two readings compare by value. */
    private static Map<String, Object> wholeRow(ScratchSchema schema, UUID id) {
        Map<String, Object> row = new TreeMap<>(schema.query("SELECT * FROM sentry_connect_grant WHERE id = ?", id).get(0));
        row.replaceAll((column, value) -> value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
        return row;
    }

    /** The grant's tokens as stored, decrypted with {@code cipher} (which must hold their key). */
    private static Tokens stored(ScratchSchema schema, UUID id, TokenCipher cipher) {
        Map<String, Object> row = row(schema, id);
        String tenant = (String) row.get("tenant_id");
        return new Tokens(cipher.decrypt((byte[]) row.get("access_token"), AssociatedData.grantToken(tenant, id, "access")).reveal(),
                cipher.decrypt((byte[]) row.get("refresh_token"), AssociatedData.grantToken(tenant, id, "refresh")).reveal());
    }

    /** Recorded under key 2, and its tokens, unchanged, decrypt with key 2 alone. */
    private static void assertUnderPrimaryKey(ScratchSchema schema, UUID id, Tokens before) {
        assertEquals(2, row(schema, id).get("key_id"), "grant " + id);
        assertEquals(before, stored(schema, id, cipher(2, PRIMARY_KEY)), "grant " + id);
    }

    private static TokenCipher cipher(int keyId, String key) {
        return new TokenCipher(new EncryptionProperties(keyId, Map.of(String.valueOf(keyId), key)));
    }

    /** Fixed test key material: 32 bytes of {@code fill}. */
    private static String key(int fill) {
        byte[] material = new byte[32];
        Arrays.fill(material, (byte) fill);
        return Base64.getEncoder().encodeToString(material);
    }
}
