package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sentry's bulk issue mutation through the proxy: {@code PUT organizations/{org}/issues/?id=…&id=…} reaches the
 * stand-in with its repeated ids and body, and Sentry's answers come back as they are, the changed fields on a 200
 * and the bodiless 204 when no issue matches.
 */
@MicronautTest(environments = "test", transactional = false)
class ProxyBulkIssuesTest extends ServiceTest {

    /** A grant of acme by Ada that may change issues. */
    private LinkDriver.Linked linkWithEventWrite() {
        String tenant = "t-" + java.util.UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        HttpResponse<String> created = driver.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO,
                "scopes", List.of("org:read", "project:read", "event:read", "event:write")));
        assertEquals(201, created.statusCode(), created.body());
        String linkUrl = (String) driver.map(created.body()).get("link_url");
        String grantId = LinkDriver.query(LinkDriver.location(driver.link(new Http(), linkUrl, "1", "acme"))).get("grant_id");
        return new LinkDriver.Linked(tenant, grantId, jwt, null);
    }

    private HttpResponse<String> put(LinkDriver.Linked grant, String path, String json) {
        return new Http().putJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/sentry/" + path, json, Http.bearer(grant.jwt()));
    }

    @SuppressWarnings("unchecked")
    private String status(LinkDriver.Linked grant, String issueId) {
        HttpResponse<String> response = proxy(grant, "organizations/acme/issues/" + issueId + "/");
        assertEquals(200, response.statusCode(), response.body());
        return (String) ((Map<String, Object>) driver.map(response.body())).get("status");
    }

    @Test
    void aBulkUpdateByIdsGoesThroughWithItsIdsAndSentrysAnswersComeBack() {
        LinkDriver.Linked grant = linkWithEventWrite();
        // billing (5004), which Ada reaches as owner though it is not her team's: other tests leave it alone.
        String first = standIn.fixtures().issuesOf("5004").get(0).id();
        String second = standIn.fixtures().issuesOf("5004").get(1).id();
        String third = standIn.fixtures().issuesOf("5004").get(2).id();
        try {
            HttpResponse<String> resolved = put(grant, "organizations/acme/issues/?project=5004&id=" + first + "&id=" + second,
                    "{\"status\":\"resolved\"}");
            assertEquals(200, resolved.statusCode(), resolved.body());
            assertEquals("{\"status\":\"resolved\",\"statusDetails\":{},\"inbox\":null}", resolved.body());
            assertEquals("resolved", status(grant, first));
            assertEquals("resolved", status(grant, second));
            assertEquals("unresolved", status(grant, third));

            // Nothing matches (ids outside the chosen projects, and a search that finds nothing): Sentry's bodiless 204.
            HttpResponse<String> none = put(grant, "organizations/acme/issues/?project=5004&query=is:ignored&id=1", "{\"status\":\"resolved\"}");
            assertEquals(204, none.statusCode(), none.body());
            assertEquals("", none.body());

            HttpResponse<String> invalid = put(grant, "organizations/acme/issues/?project=5004&id=" + third, "{\"status\":\"bogus\"}");
            assertEquals(400, invalid.statusCode(), invalid.body());
            assertEquals("{\"status\":[\"\\\"bogus\\\" is not a valid choice.\"]}", invalid.body());
            assertEquals("unresolved", status(grant, third));
        } finally {
            put(grant, "organizations/acme/issues/?project=5004&id=" + first + "&id=" + second, "{\"status\":\"unresolved\"}");
        }
        assertEquals("unresolved", status(grant, first));
    }
}
