package io.sentryconnect.grant;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.EncryptionProperties;
import io.sentryconnect.token.TokenCipher;
import io.sentryconnect.testing.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation: stored tokens moved to the primary key in batches, while the old key still decrypts; a row that no
 * longer decrypts is skipped and counted, and the rows after it are still moved.
 */
@MicronautTest(environments = "test", transactional = false)
class TokenReencryptionTest extends ServiceTest {
    @Inject
    TokenReencryption reencryption;
    @Inject
    EncryptionProperties keys;
    @Inject
    TokenCipher cipher;

    @Test
    void reencryptionMovesEveryGrantToThePrimaryKeyInResumableIdempotentBatches() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        List<String> grantIds = new ArrayList<>();
        for (String org : List.of("acme", "globex", "initech")) {
            grantIds.add(query(location(driver.link(jwt, "1", org))).get("grant_id"));
        }
        underOldKey(tenant);
        String call = "/sentry/organizations/acme/projects/";
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode(),
                "the old key still decrypts");

        assertEquals(new TokenReencryption.Outcome(2, 0), reencryption.run(2, 1), "one batch of two, then stopped");
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ? AND key_id = 1", tenant).size());
        assertEquals(new TokenReencryption.Outcome(1, 0), reencryption.run(2, 100), "resumed: the rest");
        assertEquals(new TokenReencryption.Outcome(0, 0), reencryption.run(2, 100), "idempotent: nothing left");
        for (Map<String, Object> row : TestDatabase.query("SELECT access_token, refresh_token, key_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant)) {
            assertEquals(2, row.get("key_id"));
            assertEquals(2, TokenCipher.keyIdOf((byte[]) row.get("access_token")));
            assertEquals(2, TokenCipher.keyIdOf((byte[]) row.get("refresh_token")));
        }
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode());
    }

    @Test
    void aGrantWhoseTokensNoLongerDecryptIsSkippedAndCountedAndTheRestAreReencrypted() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        for (String org : List.of("acme", "globex", "initech")) {
            assertEquals(302, driver.link(jwt, "1", org).statusCode());
        }
        underOldKey(tenant);
        // The lowest id, so that it heads the first batch: as if its ciphertext had been damaged.
        UUID broken = (UUID) TestDatabase.query("SELECT id FROM sentry_connect_grant WHERE tenant_id = ? ORDER BY id LIMIT 1", tenant)
                .get(0).get("id");
        byte[] before = (byte[]) TestDatabase.query("SELECT access_token FROM sentry_connect_grant WHERE id = ?", broken).get(0).get("access_token");
        byte[] corrupted = before.clone();
        corrupted[corrupted.length - 1] ^= 0x01;
        setAccessToken(broken, corrupted);
        int logged = LogCapture.lines().size();
        try {
            assertEquals(new TokenReencryption.Outcome(2, 1), reencryption.run(1, 100), "batches of one: the bad row does not stop the others");
            List<Map<String, Object>> rows = TestDatabase.query("SELECT id, access_token, key_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant);
            for (Map<String, Object> row : rows) {
                if (row.get("id").equals(broken)) {
                    assertEquals(1, row.get("key_id"), "the bad row is left as it was");
                    assertArrayEquals(corrupted, (byte[]) row.get("access_token"));
                } else {
                    assertEquals(2, row.get("key_id"));
                    assertEquals(2, TokenCipher.keyIdOf((byte[]) row.get("access_token")));
                }
            }
            List<String> lines = LogCapture.lines().subList(logged, LogCapture.lines().size());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(KeyRotation.class.getName()) && l.contains(broken.toString())),
                    String.join("\n", lines));
            String token = new TokenCipher(new EncryptionProperties(1, keys.keys()))
                    .decrypt(before, AssociatedData.grantToken(tenant, broken, "access")).reveal();
            assertEquals(List.of(), LogCapture.linesContaining(token), "never the token");
            assertTrue(lines.stream().anyMatch(l -> l.contains("2 grants re-encrypted, 1 skipped")), String.join("\n", lines));
            assertEquals(new TokenReencryption.Outcome(0, 1), reencryption.run(500, 100), "still skipped, still counted");
        } finally {
            // A stale row that never decrypts would be counted by every later run in this database.
            setAccessToken(broken, before);
            reencryption.run(500, 100);
        }
    }

    /** Puts the tenant's grants back under the older key 1, as if they had been written before key 2 was added. */
    private void underOldKey(String tenant) {
        TokenCipher old = new TokenCipher(new EncryptionProperties(1, keys.keys()));
        for (Map<String, Object> row : TestDatabase.query("SELECT id, access_token, refresh_token FROM sentry_connect_grant WHERE tenant_id = ?", tenant)) {
            UUID id = (UUID) row.get("id");
            row.put("tenant_id", tenant);
            byte[] access = old.encrypt(TestDatabase.decrypt(cipher, row, "access"), AssociatedData.grantToken(tenant, id, "access"));
            byte[] refresh = old.encrypt(TestDatabase.decrypt(cipher, row, "refresh"), AssociatedData.grantToken(tenant, id, "refresh"));
            try (var c = TestDatabase.connection(); var ps = c.prepareStatement(
                    "UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, key_id = 1 WHERE id = ?")) {
                ps.setBytes(1, access);
                ps.setBytes(2, refresh);
                ps.setObject(3, id);
                ps.executeUpdate();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(1, TokenCipher.keyIdOf(access));
        }
    }

    private static void setAccessToken(UUID id, byte[] ciphertext) {
        try (var c = TestDatabase.connection(); var ps = c.prepareStatement("UPDATE sentry_connect_grant SET access_token = ? WHERE id = ?")) {
            ps.setBytes(1, ciphertext);
            ps.setObject(2, id);
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
