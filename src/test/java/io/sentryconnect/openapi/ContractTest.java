package io.sentryconnect.openapi;

import io.sentryconnect.support.Contract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract check catches an answer that drifts from the document: every test's answers go through it
 * (support/Http), so a drift fails the suite. Here it is fed answers by hand, right and wrong.
 */
class ContractTest {
    private static final String GRANT = "{\"id\":\"6f1c2b0e-2a43-4c1e-9a4e-5d1f6b7c8d9e\",\"tenant_id\":\"t1\",\"user_id\":\"u1\","
            + "\"kind\":\"oauth\",\"status\":\"active\",\"status_reason\":null,\"organization\":{\"id\":\"1\",\"slug\":\"acme\","
            + "\"name\":\"Acme\",\"region_url\":\"https://us.sentry.io\"},\"sentry_user\":{\"id\":\"2\",\"name\":null,\"email\":null},"
            + "\"scopes\":[\"org:read\"],\"expires_at\":null,\"created_at\":\"2026-12-01T12:00:00Z\","
            + "\"updated_at\":\"2026-12-01T12:00:00Z\",\"last_refreshed_at\":null,\"reconnect_required\":false,"
            + "\"last_failure_at\":null,\"last_failure_reason\":null}";
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"),
            "X-Request-Id", List.of("r1"), "Cache-Control", List.of("no-store"));
    private static final Map<String, List<String>> PROBLEM = Map.of("Content-Type", List.of("application/problem+json"),
            "X-Request-Id", List.of("r1"), "Cache-Control", List.of("no-store"));
    private static final String GRANT_PATH = "/api/v1/grants/6f1c2b0e-2a43-4c1e-9a4e-5d1f6b7c8d9e";

    @Test
    void aGrantAsTheServiceSendsItKeepsTheContract() {
        assertEquals(List.of(), Contract.problems("GET", GRANT_PATH, 200, JSON, GRANT));
    }

    @Test
    void aGrantInCamelCaseFails() {
        String camel = GRANT.replace("tenant_id", "tenantId").replace("reconnect_required", "reconnectRequired");
        assertDrift(Contract.problems("GET", GRANT_PATH, 200, JSON, camel), "tenant_id");
    }

    @Test
    void aStatusOutsideTheEnumFails() {
        assertDrift(Contract.problems("GET", GRANT_PATH, 200, JSON, GRANT.replace("\"active\"", "\"paused\"")), "paused");
    }

    @Test
    void anUndocumentedStatusFails() {
        assertDrift(Contract.problems("GET", GRANT_PATH, 202, JSON, GRANT), "202");
    }

    @Test
    void aCreatedProvisioningWithoutItsLocationHeaderFails() {
        String provisioned = GRANT.substring(0, GRANT.length() - 1) + ",\"projects\":[]}";
        assertDrift(Contract.problems("POST", "/api/v1/provisioning", 201, JSON, provisioned), "Location");
        assertEquals(List.of(), Contract.problems("POST", "/api/v1/provisioning", 201,
                Map.of("Content-Type", List.of("application/json"), "Location", List.of(GRANT_PATH), "X-Request-Id", List.of("r1"),
                        "Cache-Control", List.of("no-store")),
                provisioned));
    }

    @Test
    void aProblemWithoutACodeOrWithAClassNameFails() {
        String noCode = "{\"type\":\"https://sentry-connect.io/problems/grant_not_found\",\"title\":\"Grant not found\","
                + "\"status\":404,\"detail\":\"No grant with this id is visible to the caller.\"}";
        assertDrift(Contract.problems("GET", GRANT_PATH, 404, PROBLEM, noCode), "code");
        String className = "{\"type\":\"https://sentry-connect.io/problems/invalid_request\",\"title\":\"Bad Request\",\"status\":400,"
                + "\"detail\":\"Error decoding property [String returnTo] of type [class io.sentryconnect.link.LinkRequestJson]\","
                + "\"code\":\"invalid_request\"}";
        assertDrift(Contract.problems("POST", "/api/v1/links", 400, PROBLEM, className), "class");
    }

    @Test
    void anErrorThatIsNotAProblemFailsEvenOnAnUndocumentedRoute() {
        String micronaut = "{\"message\":\"Not Found\",\"_embedded\":{\"errors\":[{\"message\":\"Page Not Found\"}]}}";
        assertDrift(Contract.problems("GET", "/api/v1/nothing", 404, JSON, micronaut), "problem+json");
    }

    @Test
    void sentrysOwnAnswerThroughTheProxyIsSentrys() {
        assertEquals(List.of(), Contract.problems("GET", GRANT_PATH + "/sentry/organizations/acme/projects/", 403, JSON,
                "{\"detail\":\"You do not have permission to perform this action.\"}"));
    }

    @Test
    void anAnswerWithoutARequestIdFails() {
        assertDrift(Contract.problems("GET", GRANT_PATH, 200, Map.of("Content-Type", List.of("application/json"),
                "Cache-Control", List.of("no-store")), GRANT), "X-Request-Id");
    }

    @Test
    void aProblemWhoseStatusMemberIsNotTheAnswersStatusFails() {
        String problem = "{\"type\":\"https://sentry-connect.io/problems/grant_not_found\",\"title\":\"Grant not found\","
                + "\"status\":%d,\"detail\":\"No grant with this id is visible to the caller.\",\"code\":\"grant_not_found\"}";
        assertEquals(List.of(), Contract.problems("GET", GRANT_PATH, 404, PROBLEM, problem.formatted(404)));
        assertDrift(Contract.problems("GET", GRANT_PATH, 404, PROBLEM, problem.formatted(400)), "status member");
    }

    @Test
    void aProxyAnswerIsCheckedAgainstTheProxyOperationWhateverSlashesItsPathHolds() {
        // A problem of ours through the proxy with a member the Problem schema does not have: only caught when the
        // path, slashes and all, is matched to the proxy's one {path} parameter.
        String problem = "{\"type\":\"https://sentry-connect.io/problems/grant_not_found\",\"title\":\"Grant not found\","
                + "\"status\":404,\"detail\":\"No grant with this id is visible to the caller.\",\"code\":\"grant_not_found\"%s}";
        String proxied = GRANT_PATH + "/sentry/organizations/acme/projects/";
        assertEquals(List.of(), Contract.problems("GET", proxied, 404, PROBLEM, problem.formatted("")));
        assertDrift(Contract.problems("GET", proxied, 404, PROBLEM, problem.formatted(",\"undocumented\":1")), "undocumented");
    }

    @Test
    void aHealthErrorThatIsNotAProblemFails() {
        String micronaut = "{\"message\":\"Bad Request\",\"_embedded\":{\"errors\":[{\"message\":\"Failed to convert argument\"}]}}";
        assertDrift(Contract.problems("GET", "/health/bogus", 400, JSON, micronaut), "problem+json");
        assertEquals(List.of(), Contract.problems("GET", "/health", 503, JSON, "{\"status\":\"DOWN\"}"));
    }

    private static void assertDrift(List<String> problems, String mentioned) {
        assertTrue(!problems.isEmpty(), "the drift is caught");
        assertTrue(problems.toString().contains(mentioned), mentioned + " is named: " + problems);
    }
}
