package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The org-scoped token rule of {@code UserAuthTokenAuthentication.authenticate_token}
 * ({@code src/sentry/api/authentication.py}; Sentry's {@code TestOrgScopedAppTokenAuthentication}): every token of
 * the org-level app may call only URLs of its own organization, named by slug, and the organizations list.
 */
class OrgScopedTokenTest {

    private static final String UNAUTHORIZED_ORGANIZATION = "{\"detail\":\"Unauthorized organization access.\"}";
    private static final String ORGANIZATION_ENDPOINTS_ONLY =
            "{\"detail\":\"This token access is limited to organization endpoints.\"}";
    private static final String WRITE_SCOPES = READ_SCOPES + " event:write";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private static void assertUnauthorized(String body, HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.uri() + ": " + response.body());
        assertEquals(body, response.body(), response.uri().toString());
        assertEquals("xBasic realm=\"api\"", response.headers().firstValue("WWW-Authenticate").orElse(null),
                response.uri().toString());
    }

    @Test
    void urlsOfAnotherOrganizationAreUnauthorizedOrganizationAccessNotForbidden() {
        String acme = h.accessToken("1", "acme", WRITE_SCOPES);
        String globexIssue = h.standIn.fixtures().issuesOf("5003").get(0).id();
        for (URI url : List.of(h.us("/api/0/organizations/globex/"), h.us("/api/0/organizations/globex/projects/"),
                h.us("/api/0/projects/globex/api/issues/"), h.us("/api/0/organizations/globex/issues/" + globexIssue + "/"),
                h.us("/api/0/organizations/globex/groups/" + globexIssue + "/"),
                h.de("/api/0/organizations/initech/projects/"))) {
            assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(url, acme));
        }
        HttpResponse<String> put = h.send("PUT", h.us("/api/0/organizations/globex/issues/" + globexIssue + "/"),
                "{\"status\":\"resolved\"}", "Authorization", "Bearer " + acme, "Content-Type", "application/json");
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, put);
        assertEquals("unresolved", h.standIn.fixtures().issuesOf("5003").get(0).status());
    }

    @Test
    void anUnknownSlugAndEveryNumericIdAreRefusedEvenTheTokensOwnId() {
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/organizations/no-such-org/"), acme));
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/organizations/1001/"), acme));
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/organizations/1001/projects/"), acme));
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/projects/1001/backend/issues/"), acme));
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/organizations/1002/"), acme));
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/"), acme).statusCode(), "the slug works");
    }

    @Test
    void urlsNamingNoOrganizationAreLimitedToOrganizationEndpoints() {
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        String issue = h.standIn.fixtures().issuesOf("5001").get(0).id();
        for (URI url : List.of(h.main("/api/0/"), h.main("/api/0"), h.us("/api/0/"), h.main("/api/0/users/me/regions/"),
                h.main("/api/0/users/me/"), h.us("/api/0/issues/" + issue + "/"), h.us("/api/0/groups/" + issue + "/"),
                h.us("/api/0/projects/"), h.us("/api/0/no-such-endpoint/"))) {
            assertUnauthorized(ORGANIZATION_ENDPOINTS_ONLY, h.apiGet(url, acme));
        }
    }

    @Test
    void theOrganizationsListIsTheOneUrlWithoutAnOrganizationThatAnswers() {
        String initech = h.accessToken("1", "initech", READ_SCOPES);
        HttpResponse<String> main = h.apiGet(h.main("/api/0/organizations/"), initech);
        assertEquals(200, main.statusCode(), main.body());
        assertEquals(List.of(), h.array(main), "the main origin answers as us, which does not hold initech");
        HttpResponse<String> de = h.apiGet(h.de("/api/0/organizations/"), initech);
        assertEquals(200, de.statusCode(), de.body());
        assertEquals(List.of("initech"), h.array(de).stream().map(o -> ((Map<?, ?>) o).get("slug")).toList());
    }

    @Test
    void theOrgScopedIssueEndpointReadsAndUpdatesLikeTheBareOneDid() {
        String token = h.accessToken("1", "acme", WRITE_SCOPES);
        String issueId = h.standIn.fixtures().issuesOf("5002").get(0).id();
        HttpResponse<String> read = h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), token);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(issueId, h.object(read).get("id"));
        assertEquals(h.object(read), h.object(h.apiGet(h.us("/api/0/organizations/acme/groups/" + issueId + "/"), token)),
                "groups/ is the same endpoint");
        HttpResponse<String> put = h.send("PUT", h.us("/api/0/organizations/acme/issues/" + issueId + "/"),
                "{\"status\":\"ignored\",\"isBookmarked\":true}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
        assertEquals(200, put.statusCode(), put.body());
        assertEquals("ignored", h.object(put).get("status"));
        assertEquals(true, h.object(h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), token))
                .get("isBookmarked"));
        assertEquals(200, h.apiGet(h.us("/api/0/projects/acme/frontend/issues/"), token).statusCode());
    }

    @Test
    void tokenFailuresAnswerBeforeTheOrganizationRule() {
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        h.standIn.expire("acme");
        assertUnauthorized("{\"detail\":\"Token expired\"}", h.apiGet(h.us("/api/0/organizations/globex/"), acme));
        assertUnauthorized("{\"detail\":\"Token expired\"}", h.apiGet(h.main("/api/0/"), acme));
        assertUnauthorized("{\"detail\":\"Invalid token\"}", h.apiGet(h.us("/api/0/organizations/globex/"), "f".repeat(64)));
        assertUnauthorized("{\"detail\":\"Invalid token\"}", h.apiGet(h.main("/api/0/users/me/regions/"), "nope"));
    }

    @Test
    void theOrganizationRuleAnswersBeforeScopesAreChecked() {
        String eventsOnly = h.accessToken("1", "acme", "event:read");
        assertUnauthorized(UNAUTHORIZED_ORGANIZATION, h.apiGet(h.us("/api/0/organizations/globex/projects/"), eventsOnly));
        assertEquals(403, h.apiGet(h.us("/api/0/organizations/acme/projects/"), eventsOnly).statusCode(),
                "on its own organization the missing scope is a 403");
    }

    @Test
    void requestsWithoutCredentialsAreUnauthorizedWithWwwAuthenticateExceptTheIndex() {
        assertUnauthorized("{\"detail\":\"Authentication credentials were not provided.\"}",
                h.get(h.us("/api/0/organizations/acme/projects/")));
        assertUnauthorized("{\"detail\":\"Authentication credentials were not provided.\"}",
                h.get(h.main("/api/0/organizations/")));
        assertEquals(200, h.get(h.main("/api/0/")).statusCode(), "the index still answers anonymous callers");
    }

    /**
     * {@code StandardAuthentication.authenticate}: a bearer header without a token, or with more than one word
     * after the scheme, is refused with its own message before any token is looked up; another scheme leaves the
     * caller anonymous.
     */
    @Test
    void malformedBearerHeadersGetSentrysOwnMessages() {
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        java.net.URI projects = h.us("/api/0/organizations/acme/projects/");
        assertUnauthorized("{\"detail\":\"Invalid token header. No credentials provided.\"}",
                h.get(projects, "Authorization", "Bearer"));
        assertUnauthorized("{\"detail\":\"Invalid token header. Token string should not contain spaces.\"}",
                h.get(projects, "Authorization", "Bearer " + acme + " extra"));
        assertUnauthorized("{\"detail\":\"Authentication credentials were not provided.\"}",
                h.get(projects, "Authorization", "Token " + acme));
        assertEquals(200, h.get(projects, "Authorization", "bearer   " + acme).statusCode(),
                "the scheme in any case, any run of blanks");
    }
}
