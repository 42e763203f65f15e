package io.sentryconnect.grant;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.EncryptionProperties;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Key rotation: stored tokens moved to the primary key in batches, while the old key still decrypts. */
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
        // Put the three grants back under the older key 1, as if they had been written before key 2 was added.
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
        String call = "/sentry/organizations/acme/projects/";
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode(),
                "the old key still decrypts");

        assertEquals(2, reencryption.run(2, 1), "one batch of two, then stopped");
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ? AND key_id = 1", tenant).size());
        assertEquals(1, reencryption.run(2, 100), "resumed: the rest");
        assertEquals(0, reencryption.run(2, 100), "idempotent: nothing left");
        for (Map<String, Object> row : TestDatabase.query("SELECT access_token, refresh_token, key_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant)) {
            assertEquals(2, row.get("key_id"));
            assertEquals(2, TokenCipher.keyIdOf((byte[]) row.get("access_token")));
            assertEquals(2, TokenCipher.keyIdOf((byte[]) row.get("refresh_token")));
        }
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode());
    }
}
