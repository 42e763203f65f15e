package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sentryconnect.standin.StandInHarness.FORBIDDEN;
import static io.sentryconnect.standin.StandInHarness.NOT_FOUND;
import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static io.sentryconnect.standin.StandInHarness.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiEndpointsTest {

    private static final String WRITE_SCOPES = READ_SCOPES + " event:write";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }


    // --- who the token is ----------------------------------------------------------------------------------------

    @Test
    void indexAnswersAnonymousCallersWithNulls() {
        HttpResponse<String> response = h.get(h.main("/api/0/"));
        assertEquals(200, response.statusCode());
        Map<String, Object> body = h.object(response);
        assertTrue(body.containsKey("auth") && body.get("auth") == null);
        assertTrue(body.containsKey("user") && body.get("user") == null);
    }

    @Test
    void unknownTokenIsInvalidTokenAndMissingTokenIsNotAuthenticated() {
        assertStatus(401, "{\"detail\":\"Invalid token\"}", h.apiGet(h.main("/api/0/"), "f".repeat(64)));
        assertStatus(401, "{\"detail\":\"Invalid token\"}", h.apiGet(h.us("/api/0/organizations/acme/projects/"), "nope"));
        assertStatus(401, "{\"detail\":\"Authentication credentials were not provided.\"}",
                h.get(h.us("/api/0/organizations/acme/projects/")));
    }

    // --- organizations and regions -------------------------------------------------------------------------------

    @Test
    void organizationsListsOnlyTheTokensOrganizationWithItsRegionUrl() {
        String token = h.accessToken("1", "initech", READ_SCOPES);
        HttpResponse<String> response = h.apiGet(h.de("/api/0/organizations/"), token);
        assertEquals(200, response.statusCode());
        List<Object> orgs = h.array(response);
        assertEquals(1, orgs.size(), "Ada is in three organizations, the token is for one");
        @SuppressWarnings("unchecked")
        Map<String, Object> org = (Map<String, Object>) orgs.get(0);
        assertEquals("2001", org.get("id"));
        assertEquals("initech", org.get("slug"));
        assertEquals("Initech GmbH", org.get("name"));
        String de = h.standIn.regionUrl("de").toString();
        assertEquals(Map.of("organizationUrl", de, "regionUrl", de), org.get("links"));
    }

    @Test
    void theOrganizationsListIsARegionsAndTheMainOriginAnswersAsTheUsRegion() {
        // Ada: acme and globex in us, initech in de. In us her two organizations are narrowed to the token's: none.
        String initech = h.accessToken("1", "initech", READ_SCOPES);
        assertTrue(h.array(h.apiGet(h.main("/api/0/organizations/"), initech)).isEmpty());
        assertTrue(h.array(h.apiGet(h.us("/api/0/organizations/"), initech)).isEmpty());
        // Grace: globex in us, umbrella in de. In us she has one organization, so nothing narrows it: the list names
        // globex, not the token's umbrella.
        String umbrella = h.accessToken("2", "umbrella", READ_SCOPES);
        for (URI url : List.of(h.main("/api/0/organizations/"), h.us("/api/0/organizations/"))) {
            List<Object> orgs = h.array(h.apiGet(url, umbrella));
            assertEquals(1, orgs.size(), url.toString());
            assertEquals("globex", ((Map<?, ?>) orgs.get(0)).get("slug"), url.toString());
        }
        List<Object> inDe = h.array(h.apiGet(h.de("/api/0/organizations/"), umbrella));
        assertEquals(List.of("umbrella"), inDe.stream().map(o -> ((Map<?, ?>) o).get("slug")).toList());
    }

    @Test
    void theMainOriginsOrganizationsListReadsTokensAsTheUsRegionDoesReplicaLagIncluded() {
        h.standIn.updateSettings(Settings.DEFAULTS.withRegionReplicaLagMs(60_000));
        try {
            String fresh = h.accessToken("1", "acme", READ_SCOPES);
            assertStatus(401, "{\"detail\":\"Invalid token\"}", h.apiGet(h.main("/api/0/organizations/"), fresh));
            assertStatus(401, "{\"detail\":\"Invalid token\"}", h.apiGet(h.us("/api/0/organizations/"), fresh));
            // The control silo knows the token at once: its refusal on the index is the org-scoped one, not Invalid token.
            assertStatus(401, "{\"detail\":\"This token access is limited to organization endpoints.\"}",
                    h.apiGet(h.main("/api/0/"), fresh));
        } finally {
            h.standIn.updateSettings(Settings.DEFAULTS);
        }
    }

    @Test
    void aPathWithoutItsTrailingSlashIsTheCatchAllsNotFoundWhateverTheToken() {
        for (String token : new String[]{h.accessToken("1", "acme", READ_SCOPES), "f".repeat(64)}) {
            HttpResponse<String> response = h.apiGet(h.us("/api/0/organizations/acme/projects"), token);
            assertEquals(404, response.statusCode(), response.body());
            assertEquals("Route not found, did you forget a trailing slash?\n\ntry: /api/0/organizations/acme/projects/\n"
                    + " ".repeat(39) + "^\n", response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        }
    }

    @Test
    void regionOriginsAreSeparateOrigins() {
        Set<URI> origins = new HashSet<>(List.of(h.standIn.baseUrl(), h.standIn.regionUrl("us"), h.standIn.regionUrl("de")));
        assertEquals(3, origins.size());
    }

    @Test
    void organizationPathsOnTheWrongRegionAreNotFound() {
        String token = h.accessToken("1", "initech", READ_SCOPES + " event:read");
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/organizations/initech/projects/"), token));
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/projects/initech/tps-reports/issues/"), token));
        assertEquals(200, h.apiGet(h.de("/api/0/organizations/initech/projects/"), token).statusCode());
        List<Object> onUs = h.array(h.apiGet(h.us("/api/0/organizations/"), token));
        assertTrue(onUs.isEmpty(), "the us region does not hold initech");
    }

    @Test
    void organizationDataIsNotServedOnTheMainOrigin() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        assertStatus(404, NOT_FOUND, h.apiGet(h.main("/api/0/organizations/acme/projects/"), token));
    }

    @Test
    void issueOfAnotherRegionIsNotFound() {
        String token = h.accessToken("1", "initech", READ_SCOPES);
        String issueId = h.standIn.fixtures().issuesOf("6001").get(0).id();
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/organizations/initech/issues/" + issueId + "/"), token));
        assertEquals(200, h.apiGet(h.de("/api/0/organizations/initech/issues/" + issueId + "/"), token).statusCode());
    }

    @Test
    void issueOfAnotherOrganizationUnderTheTokensOwnSlugIsNotFound() {
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        String globexIssue = h.standIn.fixtures().issuesOf("5003").get(0).id();
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/organizations/acme/issues/" + globexIssue + "/"), acme));
    }

    // --- permissions ------------------------------------------------------------------------------------------------

    @Test
    void missingScopeIsForbiddenBeforeAnythingIsLookedUp() {
        String noEvents = h.accessToken("1", "acme", "org:read project:read");
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/projects/acme/backend/issues/"), noEvents));
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/projects/acme/no-such-project/issues/"), noEvents));
        String issueId = h.standIn.fixtures().issuesOf("5001").get(0).id();
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), noEvents));

        String eventsOnly = h.accessToken("1", "acme", "event:read");
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/projects/"), eventsOnly));
        assertStatus(403, FORBIDDEN, h.apiGet(h.main("/api/0/organizations/"), eventsOnly));
    }

    @Test
    void updatingAnIssueNeedsEventWrite() {
        String readOnly = h.accessToken("1", "acme", READ_SCOPES);
        String issueId = h.standIn.fixtures().issuesOf("5001").get(0).id();
        HttpResponse<String> response = h.send("PUT", h.us("/api/0/organizations/acme/issues/" + issueId + "/"), "{\"status\":\"resolved\"}",
                "Authorization", "Bearer " + readOnly, "Content-Type", "application/json");
        assertStatus(403, FORBIDDEN, response);
        assertEquals("unresolved", h.object(h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), readOnly)).get("status"));
    }

    @Test
    void updatingAnIssueWithEventWriteChangesItAndTheList() {
        String token = h.accessToken("1", "acme", WRITE_SCOPES);
        String issueId = h.standIn.fixtures().issuesOf("5002").get(0).id();
        HttpResponse<String> response = h.send("PUT", h.us("/api/0/organizations/acme/issues/" + issueId + "/"), "{\"status\":\"resolved\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("resolved", h.object(response).get("status"));
        assertEquals("resolved", h.object(h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), token)).get("status"));
        assertEquals(2, h.array(h.apiGet(h.us("/api/0/projects/acme/frontend/issues/"), token)).size(),
                "the default query is is:unresolved");
        assertEquals(3, h.array(h.apiGet(h.us("/api/0/projects/acme/frontend/issues/?query="), token)).size());
    }

    @Test
    void invalidIssueUpdatesAreRefused() {
        String token = h.accessToken("1", "acme", WRITE_SCOPES);
        String issueId = h.standIn.fixtures().issuesOf("5002").get(0).id();
        HttpResponse<String> bogus = h.send("PUT", h.us("/api/0/organizations/acme/issues/" + issueId + "/"), "{\"status\":\"bogus\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertStatus(400, "{\"status\":[\"\\\"bogus\\\" is not a valid choice.\"]}", bogus);
        HttpResponse<String> garbage = h.send("PUT", h.us("/api/0/organizations/acme/issues/" + issueId + "/"), "{not json",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertEquals(400, garbage.statusCode());
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/organizations/acme/issues/1/"), token));
        assertEquals(405, h.send("DELETE", h.us("/api/0/organizations/acme/issues/" + issueId + "/"), null,
                "Authorization", "Bearer " + token).statusCode());
    }

    // --- pagination ------------------------------------------------------------------------------------------------

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"; results=\"(true|false)\"; cursor=\"([^\"]+)\"");

    @Test
    void issuesArePagedWithSentrysLinkHeader() {
        // 230 issues, 37 minutes apart from 2024-11-20T12:00:00Z (1732104000000 ms). The first page is the Postgres-only
        // search (a DateTimePaginator on -last_seen); the next ones Snuba's scores through a SequencePaginator.
        String token = h.accessToken("1", "acme", READ_SCOPES);
        String base = h.standIn.regionUrl("us") + "/api/0/projects/acme/backend/issues/";

        HttpResponse<String> first = h.apiGet(URI.create(base), token);
        assertEquals(200, first.statusCode());
        assertEquals(100, h.array(first).size());
        assertEquals("<" + base + "?&cursor=1732104000000:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"1732104000000:0:1\", "
                + "<" + base + "?&cursor=1731882000000:0:0>; rel=\"next\"; results=\"true\"; cursor=\"1731882000000:0:0\"",
                first.headers().firstValue("Link").orElseThrow(), "the next cursor is the 101st issue's last seen");
        assertEquals("230", first.headers().firstValue("X-Hits").orElseThrow());
        assertEquals("1000", first.headers().firstValue("X-Max-Hits").orElseThrow());

        HttpResponse<String> second = h.apiGet(URI.create(base + "?&cursor=1731882000000:0:0"), token);
        assertEquals(100, h.array(second).size());
        assertEquals("<" + base + "?&cursor=1731882000000:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"1731882000000:0:1\", "
                + "<" + base + "?&cursor=1731660000000:0:0>; rel=\"next\"; results=\"true\"; cursor=\"1731660000000:0:0\"",
                second.headers().firstValue("Link").orElseThrow(),
                "Snuba only sees the rows from the cursor on, so the previous link says it has no results");

        HttpResponse<String> third = h.apiGet(URI.create(base + "?cursor=1731660000000:0:0"), token);
        assertEquals(30, h.array(third).size(), "230 issues in all");
        assertTrue(third.headers().firstValue("Link").orElseThrow()
                .endsWith("<" + base + "?&cursor=1731595620000:1:0>; rel=\"next\"; results=\"false\"; cursor=\"1731595620000:1:0\""),
                third.headers().firstValue("Link").orElseThrow());
    }

    @Test
    void followingNextLinksVisitsEveryIssueOnceInOrder() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        URI url = h.us("/api/0/projects/acme/backend/issues/?limit=7");
        Set<Object> seen = new HashSet<>();
        int pages = 0;
        String previousLastSeen = null;
        while (true) {
            HttpResponse<String> page = h.apiGet(url, token);
            assertEquals(200, page.statusCode());
            for (Object item : h.array(page)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> issue = (Map<String, Object>) item;
                assertTrue(seen.add(issue.get("id")), "no issue twice");
                String lastSeen = (String) issue.get("lastSeen");
                assertTrue(previousLastSeen == null || lastSeen.compareTo(previousLastSeen) <= 0, "most recent first");
                previousLastSeen = lastSeen;
            }
            pages++;
            Matcher next = NEXT.matcher(page.headers().firstValue("Link").orElseThrow());
            assertTrue(next.find());
            assertTrue(next.group(1).contains("limit=7"), "the query string is kept");
            if (next.group(2).equals("false")) {
                break;
            }
            url = URI.create(next.group(1));
        }
        assertEquals(230, seen.size());
        assertEquals(33, pages);
    }

    @Test
    void projectsAreListedForTheOrganization() {
        // OrganizationProjectsPermission: GET needs an org scope; project:read alone is refused.
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/projects/"), h.accessToken("1", "acme", "project:read")));
        String token = h.accessToken("1", "acme", "org:read");
        HttpResponse<String> response = h.apiGet(h.us("/api/0/organizations/acme/projects/"), token);
        assertEquals(200, response.statusCode());
        List<Object> projects = h.array(response);
        assertEquals(List.of("backend", "billing", "frontend"), projects.stream().map(p -> ((Map<?, ?>) p).get("slug")).toList(),
                "every project of the organization, by slug, whoever's team holds it");
        assertTrue(response.headers().firstValue("Link").isPresent());
    }

    @Test
    void theOrganizationsIssuesAreItsProjectsUnresolvedOnesNarrowedByProjectOrGroup() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        Map<String, List<String>> unresolved = new java.util.HashMap<>();
        List<String> expected = new java.util.ArrayList<>();
        for (String project : List.of("5001", "5002")) {
            unresolved.put(project, h.standIn.fixtures().issuesOf(project).stream()
                    .filter(i -> i.status().equals("unresolved")).map(Fixtures.Issue::id).toList());
            expected.addAll(unresolved.get(project));
        }
        // One page of at most 100, all of them the organization's unresolved issues, of both projects.
        List<String> page = ids(h.apiGet(h.us("/api/0/organizations/acme/issues/?limit=100"), token));
        assertEquals(Math.min(100, expected.size()), page.size());
        assertTrue(expected.containsAll(page), page.toString());
        List<String> backend = ids(h.apiGet(h.us("/api/0/organizations/acme/issues/?project=5002&limit=100"), token));
        assertEquals(java.util.Set.copyOf(unresolved.get("5002")), java.util.Set.copyOf(backend));
        String one = expected.get(0);
        assertEquals(List.of(one), ids(h.apiGet(h.us("/api/0/organizations/acme/groups/?group=" + one), token)));
        assertStatus(400, "{\"detail\":\"Group ids must be integers\"}", h.apiGet(h.us("/api/0/organizations/acme/issues/?group=x"), token));
        // A project of another organization, the org-scoped token's limits, the scope and the region all still hold.
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/issues/?project=5003"), token));
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/issues/"), h.accessToken("1", "acme", "org:read")));
        assertStatus(404, NOT_FOUND, h.apiGet(h.de("/api/0/organizations/acme/issues/"), token));
        assertEquals(401, h.apiGet(h.us("/api/0/organizations/globex/issues/"), token).statusCode());
    }

    private List<String> ids(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return h.array(response).stream().map(i -> (String) ((Map<?, ?>) i).get("id")).toList();
    }

    @Test
    void issueHasSentrysFields() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        Map<String, Object> issue = h.object(h.apiGet(h.us("/api/0/organizations/acme/issues/90001/"), token));
        for (String field : List.of("id", "shortId", "title", "culprit", "permalink", "level", "status", "project",
                "count", "userCount", "firstSeen", "lastSeen", "metadata")) {
            assertTrue(issue.containsKey(field), field);
        }
        assertEquals("BACKEND-1", issue.get("shortId"));
        assertTrue(issue.get("count") instanceof String, "Sentry sends count as a string");
    }

    @Test
    void hundredsOfConcurrentCallsAreAllAnswered() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(h.http.sendAsync(java.net.http.HttpRequest.newBuilder(h.us("/api/0/organizations/acme/projects/"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var call : calls) {
            assertEquals(200, call.join().statusCode());
        }
        assertEquals(300, h.standIn.requests("/api/0/organizations/").size());
    }

    // --- rate limits -----------------------------------------------------------------------------------------------

    @Test
    void everyApiResponseCarriesRateLimitHeaders() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (HttpResponse<String> response : List.of(h.apiGet(h.main("/api/0/"), token),
                h.apiGet(h.us("/api/0/organizations/acme/projects/"), token),
                h.apiGet(h.us("/api/0/organizations/globex/projects/"), token),
                h.apiGet(h.main("/api/0/"), "bad"))) {
            for (String header : List.of("X-Sentry-Rate-Limit-Limit", "X-Sentry-Rate-Limit-Remaining",
                    "X-Sentry-Rate-Limit-Reset", "X-Sentry-Rate-Limit-ConcurrentLimit",
                    "X-Sentry-Rate-Limit-ConcurrentRemaining")) {
                assertTrue(response.headers().firstValue(header).isPresent(), header + " on " + response.uri());
            }
        }
    }

    @Test
    void withoutALimitThereIsNo429() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (int i = 0; i < 50; i++) {
            assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), token).statusCode());
        }
    }
}
