package io.sentryconnect.provisioning;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/provisioning} creates the customer's organization at Sentry (our organizationID is the tenant id)
 * and records a provisioned grant whose proxy calls work; calling again, or four times at once, reuses the organization
 * and the grant and adds new projects.
 */
@MicronautTest(environments = "test", transactional = false)
class ProvisionedGrantTest extends ProvisioningTestBase {
    ProvisionedGrantTest() {
        super(10);
    }

    @Test
    void provisioningRecordsAProvisionedGrantWhoseProxyCallsWork() {
        String tenant = tenant();
        String jwt = admin(tenant);
        HttpResponse<String> response = provision(jwt, body("de", "Web Shop", "Billing API"));
        assertEquals(201, response.statusCode(), response.body());
        Map<String, Object> grant = driver.map(response.body());
        assertEquals("/api/v1/grants/" + grant.get("id"), response.headers().firstValue("Location").orElseThrow());
        assertEquals("provisioned", grant.get("kind"));
        assertEquals("active", grant.get("status"));
        assertEquals(tenant, grant.get("tenant_id"));
        assertEquals("admin-1", grant.get("user_id"), "the calling admin owns the grant");
        assertEquals(standIn.regionUrl("de").toString(), organization(grant).get("region_url"));
        assertTrue(((List<?>) grant.get("scopes")).contains("project:write"), grant.toString());
        assertNull(grant.get("expires_at"), "an integration token does not expire");
        assertEquals(List.of("web-shop", "billing-api"), projects(grant).stream().map(p -> p.get("slug")).toList());
        assertTrue(((String) projects(grant).get(0).get("dsn")).startsWith("http://"), grant.toString());

        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("provisioned", row.get("kind"));
        assertNull(row.get("refresh_token"));
        String token = cipher.decrypt((byte[]) row.get("access_token"), ad(row)).reveal();
        assertFalse(response.body().contains(token), "the token never leaves the service");
        assertEquals(2, TestDatabase.query("SELECT 1 FROM sentry_connect_provisioned_project WHERE grant_id = ?::uuid", grant.get("id")).size());

        String slug = (String) organization(grant).get("slug");
        HttpResponse<String> projects = proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/");
        assertEquals(200, projects.statusCode(), projects.body());
        assertTrue(projects.body().contains("\"slug\":\"billing-api\""), projects.body());
        assertEquals("de", standIn.requests("/api/0/organizations/" + slug + "/projects/").get(0).origin());

        assertTrue(new Http().get(serviceUrl() + "/api/v1/grants", Http.bearer(jwt)).body().contains((String) grant.get("id")));
        HttpResponse<String> current = new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(jwt));
        assertEquals(200, current.statusCode(), current.body());
        assertEquals(grant, driver.map(current.body()));
        assertEquals(1, atSentry(tenant).size(), "our organizationID at Sentry is the tenant id");
        assertEquals(true, atSentry(tenant).get(0).get("is_test"), "the test configuration provisions test accounts");
        assertEquals(List.of("grant.connected"), TestDatabase.query("SELECT type FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant)
                .stream().map(e -> e.get("type")).toList(), "the provisioning wrote its event in its transaction");
        assertEquals(2, grants(tenant).get(0).get("key_id"), "under the primary key, so key rotation finds it");
    }

    @Test
    void everyMemberIsPresentEvenEmptyOrNullAsTheContractSays() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> none = body("de");
        none.remove("projects");
        Map<String, Object> first = provisioned(jwt, none);
        assertTrue(first.containsKey("projects") && projects(first).isEmpty(), "projects is [] when there are none: " + first);
        Map<String, Object> withoutPlatform = body("de");
        withoutPlatform.put("projects", List.of(Map.of("name", "Worker")));
        Map<String, Object> project = projects(provisioned(jwt, withoutPlatform)).get(0);
        assertTrue(project.containsKey("platform") && project.get("platform") == null, "platform is null: " + project);
        Map<String, Object> listed = driver.map(new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(jwt)).body());
        assertTrue(projects(listed).get(0).containsKey("platform"), listed.toString());
    }

    @Test
    void aRepeatedCallReusesTheOrganizationAndTheGrantAndAddsTheNewProject() {
        String tenant = tenant();
        Map<String, Object> first = provisioned(admin(tenant), body("us", "Backend"));
        Map<String, Object> second = provisioned(driver.jwt(tenant, "admin-2", "tenant-admin"), body("us", "Backend", "Mobile"));
        assertEquals(first.get("id"), second.get("id"));
        assertEquals(organization(first), organization(second));
        assertEquals("admin-1", second.get("user_id"), "the grant keeps its owner");
        assertEquals(List.of("backend", "mobile"), projects(second).stream().map(p -> p.get("slug")).toList());
        assertEquals(projects(first).get(0), projects(second).get(0));
        assertEquals(1, grants(tenant).size());
        assertEquals(1, atSentry(tenant).size());
        assertEquals(2, TestDatabase.query("SELECT 1 FROM sentry_connect_provisioned_project WHERE grant_id = ?::uuid", first.get("id")).size());
    }

    @Test
    void concurrentCallsForOneTenantMakeOneOrganizationAndOneGrant() throws Exception {
        String tenant = tenant();
        String jwt = admin(tenant);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> provision(jwt, body("us", "Backend")));
            }
            List<Object> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> result : pool.invokeAll(calls)) {
                assertEquals(201, result.get().statusCode(), result.get().body());
                ids.add(driver.map(result.get().body()).get("id"));
            }
            assertEquals(1, ids.stream().distinct().count(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, grants(tenant).size());
        assertEquals(1, atSentry(tenant).size());
    }
}
