package io.sentryconnect.provisioning;

import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What the classes testing partner provisioning share: the log leak check (the partner secrets, every token stored and
 * every DSN, none of them in any log line; afterwards this area's grants become tombstones), the request body, the
 * calls and how a refusal looks.
 */
abstract class ProvisioningTestBase extends ServiceTest {
    static final String PARTNER_SECRET = "standin-partner-secret-not-for-production";
    static final String WRONG_SECRET = "wrong-partner-secret-only-in-this-test";
    private static final String TENANT_PREFIX = "t-prov-";
    static final String PROVISIONING_PATH = SentryProfile.SENTRY.provisioning().path();

    @Inject
    TokenCipher cipher;

    /** The partner secrets, every integration token ever stored and every DSN must be absent from the logs. */
    @RegisterExtension
    final LogLeakCheck leaks;

    /** {@code secretsAtLeast}: how many values the leak check finds when the class runs alone, so that it cannot pass empty. */
    ProvisioningTestBase(int secretsAtLeast) {
        leaks = LogLeakCheck.searching(() -> TestDatabase.storedTokens(cipher), TestDatabase::provisionedDsns)
                .alwaysSearch(PARTNER_SECRET, WRONG_SECRET).atLeast(secretsAtLeast).afterwards(ProvisioningTestBase::tombstoneGrants);
    }

    /** Tombstones this area's grants, so that other classes' log searches (which expect a refresh token on every live grant) do not meet them. */
    private static void tombstoneGrants() {
        TestDatabase.execute("UPDATE sentry_connect_grant SET status = 'disconnected', status_reason = 'disconnected', "
                + "access_token = NULL, refresh_token = NULL WHERE tenant_id LIKE '" + TENANT_PREFIX + "%'");
    }

    static String ad(Map<String, Object> row) {
        return AssociatedData.grantToken((String) row.get("tenant_id"), (UUID) row.get("id"), "access");
    }

    static String tenant() {
        return TENANT_PREFIX + UUID.randomUUID();
    }

    String admin(String tenant) {
        return driver.jwt(tenant, "admin-1", "tenant-admin");
    }

    static Map<String, Object> body(String region, String... projects) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example");
        body.put("organization_name", "Customer Co");
        List<Map<String, Object>> list = new ArrayList<>();
        for (String project : projects) {
            list.add(Map.of("name", project, "platform", "javascript"));
        }
        body.put("projects", list);
        body.put("region", region);
        body.put("has_agreed_terms", true);
        return body;
    }

    HttpResponse<String> provision(String base, String jwt, Map<String, Object> body) {
        return new Http().postJson(base + "/api/v1/provisioning", driver.toJson(body), Http.bearer(jwt));
    }

    HttpResponse<String> provision(String jwt, Map<String, Object> body) {
        return provision(serviceUrl(), jwt, body);
    }

    Map<String, Object> provisioned(String jwt, Map<String, Object> body) {
        HttpResponse<String> response = provision(jwt, body);
        assertEquals(201, response.statusCode(), response.body());
        return driver.map(response.body());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> organization(Map<String, Object> grant) {
        return (Map<String, Object>) grant.get("organization");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> projects(Map<String, Object> grant) {
        return (List<Map<String, Object>>) grant.get("projects");
    }

    HttpResponse<String> proxy(String jwt, Object grantId, String path) {
        return proxy(serviceUrl(), jwt, grantId, path);
    }

    List<Map<String, Object>> grants(String tenant) {
        return TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE tenant_id = ?", tenant);
    }

    /** The stand-in's provisioned organizations for our organizationID (the tenant id). */
    List<Map<String, Object>> atSentry(String tenant) {
        return standIn.provisioned().stream().filter(p -> tenant.equals(p.get("organization_id"))).toList();
    }

    long provisioningCalls() {
        return standIn.requests(PROVISIONING_PATH).size();
    }

    void assertProblem(HttpResponse<String> response, int status, String code, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(code, problem.get("code"), response.body());
        if (field != null) {
            assertEquals(field, problem.get("field"), response.body());
        }
        assertFalse(response.body().contains(PARTNER_SECRET) || response.body().contains(WRONG_SECRET), response.body());
    }
}
