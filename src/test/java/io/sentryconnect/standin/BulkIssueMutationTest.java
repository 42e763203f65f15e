package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.FORBIDDEN;
import static io.sentryconnect.standin.StandInHarness.NOT_FOUND;
import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static io.sentryconnect.standin.StandInHarness.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk mutation of the issue lists, {@code PUT}/{@code DELETE organizations/{org}/issues/} and
 * {@code projects/{org}/{project}/issues/}, as Sentry's {@code update_groups_with_search_fn} and
 * {@code schedule_tasks_to_delete_groups} (src/sentry/api/helpers/group_index/) play them; Sentry's tests:
 * {@code tests/sentry/issues/endpoints/test_organization_group_index.py} ({@code GroupUpdateTest},
 * {@code GroupDeleteTest}).
 *
 * <p>Fixtures: acme (open membership) has backend (5001) and frontend (5002) in team platform and billing (5004) in
 * payments; Ada owns acme and is in platform, Mary is a member in platform. globex (closed) has api (5003) in
 * globex-api and ledger (5005) in finance; Ada is a member in globex-api, Grace owns globex and is in both.
 */
class BulkIssueMutationTest {

    private static final String WRITE_SCOPES = READ_SCOPES + " event:write";
    private static final String RESOLVED = "{\"status\":\"resolved\",\"statusDetails\":{},\"inbox\":null}";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }


    private String issueOf(String projectId, int index) {
        return h.standIn.fixtures().issuesOf(projectId).get(index).id();
    }

    private static HttpResponse<String> put(StandInHarness h, URI uri, String token, String json) {
        return h.send("PUT", uri, json, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    private HttpResponse<String> put(String pathAndQuery, String token, String json) {
        return put(h, h.us("/api/0/" + pathAndQuery), token, json);
    }

    private Map<String, Object> issue(String id, String token) {
        HttpResponse<String> response = h.apiGet(h.us("/api/0/organizations/acme/issues/" + id + "/"), token);
        assertEquals(200, response.statusCode(), response.body());
        return h.object(response);
    }

    private String status(String id, String token) {
        return (String) issue(id, token).get("status");
    }

    @Test
    void putWithIdsChangesExactlyThoseIssuesAndAnswersTheChangedFieldsNotTheIssues() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String first = issueOf("5001", 0);
        String second = issueOf("5002", 1);
        String untouched = issueOf("5001", 1);
        assertStatus(200, RESOLVED, put("organizations/acme/issues/?id=" + first + "&id=" + second, ada, "{\"status\":\"resolved\"}"));
        assertEquals("resolved", status(first, ada));
        assertEquals("resolved", status(second, ada));
        assertEquals("unresolved", status(untouched, ada));

        assertStatus(200, "{\"status\":\"unresolved\",\"statusDetails\":{}}",
                put("organizations/acme/issues/?id=" + first, ada, "{\"status\":\"unresolved\"}"));
        assertEquals("unresolved", status(first, ada));
        // The old name of ignored is echoed as sent and stored as ignored.
        assertStatus(200, "{\"status\":\"muted\",\"statusDetails\":{},\"inbox\":null}",
                put("organizations/acme/issues/?id=" + first, ada, "{\"status\":\"muted\"}"));
        assertEquals("ignored", status(first, ada));
        // Form-encoded bodies are read too, as DRF's parsers do.
        HttpResponse<String> form = h.send("PUT", h.us("/api/0/organizations/acme/issues/?id=" + untouched), "status=ignored",
                "Authorization", "Bearer " + ada, "Content-Type", "application/x-www-form-urlencoded");
        assertStatus(200, "{\"status\":\"ignored\",\"statusDetails\":{},\"inbox\":null}", form);
        assertEquals("ignored", status(untouched, ada));
    }

    @Test
    void flagsAndTheAssigneeAreSetAndShownOnTheIssue() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String id = issueOf("5002", 0);
        HttpResponse<String> response = put("organizations/acme/issues/?id=" + id, ada,
                "{\"hasSeen\":true,\"isBookmarked\":\"yes\",\"assignedTo\":\"MARY@example.com\",\"unknownField\":1}");
        assertStatus(200, "{\"hasSeen\":true,\"isBookmarked\":true,\"assignedTo\":"
                + "{\"email\":\"mary@example.com\",\"type\":\"user\",\"id\":\"5\",\"name\":\"Mary Jackson\"}}", response);
        Map<String, Object> issue = issue(id, ada);
        assertEquals(true, issue.get("hasSeen"));
        assertEquals(true, issue.get("isBookmarked"));
        assertEquals(Map.of("email", "mary@example.com", "type", "user", "id", "5", "name", "Mary Jackson"), issue.get("assignedTo"));

        assertStatus(200, "{\"assignedTo\":{\"type\":\"team\",\"id\":\"3001\",\"name\":\"platform\"}}",
                put("organizations/acme/issues/?id=" + id, ada, "{\"assignedTo\":\"team:3001\"}"));
        assertStatus(200, "{\"isBookmarked\":false,\"assignedTo\":null}",
                put("organizations/acme/issues/?id=" + id, ada, "{\"isBookmarked\":0,\"assignedTo\":\"\"}"));
        issue = issue(id, ada);
        assertEquals(null, issue.get("assignedTo"));
        assertEquals(false, issue.get("isBookmarked"));
    }

    @Test
    void hasSeenMarksOnlyIssuesOfTheUsersTeamsProjects() {
        // handle_has_seen: project.member_set. Ada owns acme (she can access billing) but is not in payments.
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String billing = issueOf("5004", 0);
        assertStatus(200, "{\"hasSeen\":true}", put("organizations/acme/issues/?project=5004&id=" + billing, ada, "{\"hasSeen\":true}"));
        assertEquals(false, issue(billing, ada).get("hasSeen"));
    }

    @Test
    void invalidFieldsAre400WithDrfsErrorsByFieldAndChangeNothing() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String id = issueOf("5002", 0);
        String path = "organizations/acme/issues/?id=" + id;
        assertStatus(400, "{\"status\":[\"\\\"bogus\\\" is not a valid choice.\"]}", put(path, ada, "{\"status\":\"bogus\"}"));
        assertStatus(400, "{\"status\":[\"\\\"bogus\\\" is not a valid choice.\"],\"hasSeen\":[\"Must be a valid boolean.\"]}",
                put(path, ada, "{\"hasSeen\":\"maybe\",\"status\":\"bogus\"}"));
        assertStatus(400, "{\"status\":[\"This field may not be null.\"]}", put(path, ada, "{\"status\":null}"));
        assertStatus(400, "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got list.\"]}",
                put(path, ada, "[\"resolved\"]"));
        HttpResponse<String> garbage = put(path, ada, "{not json");
        assertEquals(400, garbage.statusCode(), garbage.body());
        assertTrue(garbage.body().startsWith("{\"detail\":\"JSON parse error - "), garbage.body());
        // One JSON value and nothing after it, as Python's json.loads insists ("Extra data").
        HttpResponse<String> trailing = put(path, ada, "{\"status\":\"resolved\"} junk");
        assertEquals(400, trailing.statusCode(), trailing.body());
        assertTrue(trailing.body().startsWith("{\"detail\":\"JSON parse error - "), trailing.body());
        HttpResponse<String> text = h.send("PUT", h.us("/api/0/" + path), "status=resolved",
                "Authorization", "Bearer " + ada, "Content-Type", "text/plain");
        assertStatus(415, "{\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\"}", text);
        // A field Sentry knows and the stand-in does not play is refused rather than pretended.
        HttpResponse<String> merge = put(path, ada, "{\"merge\":true}");
        assertEquals(400, merge.statusCode(), merge.body());
        assertTrue(merge.body().contains("does not play \\\"merge\\\""), merge.body());
        assertEquals("unresolved", status(id, ada));
        assertEquals(false, issue(id, ada).get("hasSeen"));
    }

    @Test
    void parametersThatWouldNarrowWhatSentryTouchesAreRefusedNotIgnored() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        HttpResponse<String> environment = put("organizations/acme/issues/?environment=production", ada, "{\"status\":\"resolved\"}");
        assertEquals(400, environment.statusCode(), environment.body());
        assertTrue(environment.body().contains("does not play the parameter \\\"environment\\\""), environment.body());
        assertEquals(400, put("projects/acme/frontend/issues/?cursor=0:100:0", ada, "{\"status\":\"resolved\"}").statusCode());
        assertEquals(3, h.array(h.apiGet(h.us("/api/0/projects/acme/frontend/issues/"), ada)).size(), "nothing resolved");
    }

    @Test
    void theBodyIsReadOnlyOnceIssuesAreFoundSoABadBodyOverNoneIs204() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        // No issue is ignored, so the search the unknown id falls back to finds nothing.
        HttpResponse<String> response = put("organizations/acme/issues/?id=1&query=is:ignored", ada, "{\"status\":\"bogus\"}");
        assertStatus(204, "", response);
    }

    @Test
    void anUpdateNeedsEventWriteAndADeletionEventAdmin() {
        String reader = h.accessToken("1", "acme", READ_SCOPES);
        String writer = h.accessToken("1", "acme", WRITE_SCOPES);
        String id = issueOf("5001", 0);
        assertStatus(403, FORBIDDEN, put("organizations/acme/issues/?id=" + id, reader, "{\"status\":\"resolved\"}"));
        assertStatus(403, FORBIDDEN, put("projects/acme/backend/issues/?id=" + id, reader, "{\"status\":\"resolved\"}"));
        assertStatus(403, FORBIDDEN, h.api("DELETE", h.us("/api/0/organizations/acme/issues/?id=" + id), writer));
        assertStatus(403, FORBIDDEN, h.api("DELETE", h.us("/api/0/projects/acme/backend/issues/?id=" + id), writer));
        assertEquals("unresolved", status(id, writer));
        assertEquals(405, h.api("POST", h.us("/api/0/organizations/acme/issues/"), writer).statusCode());
    }

    @Test
    void idsThatMatchNoIssueOfTheChosenProjectsFallBackToTheSearch() {
        // update_groups_with_search_fn searches whenever the ids find nothing: another organization's issue, an
        // unknown id or one outside the chosen projects mutates what the query finds, as in Sentry.
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String globexIssue = issueOf("5003", 0);
        assertStatus(200, RESOLVED, put("organizations/acme/issues/?project=5002&id=" + globexIssue, ada, "{\"status\":\"resolved\"}"));
        for (Fixtures.Issue frontend : h.standIn.fixtures().issuesOf("5002")) {
            assertEquals("resolved", status(frontend.id(), ada), "the search's is:unresolved in frontend");
        }
        assertEquals("unresolved", status(issueOf("5001", 0), ada), "backend was not chosen");
        String grace = h.accessToken("2", "globex", WRITE_SCOPES);
        HttpResponse<String> globex = h.apiGet(h.us("/api/0/organizations/globex/issues/" + globexIssue + "/"), grace);
        assertEquals("unresolved", h.object(globex).get("status"));

        // Without a project, the chosen projects are the user's teams': billing's id is not among them.
        String billing = issueOf("5004", 0);
        assertStatus(204, "", put("organizations/acme/issues/?query=is:ignored&id=" + billing, ada, "{\"status\":\"resolved\"}"));
        assertEquals("unresolved", status(billing, ada));
    }

    @Test
    void anIdThatIsNotAnIntegerIsSentrysUncaught500() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String id = issueOf("5001", 0);
        HttpResponse<String> response = put("organizations/acme/issues/?id=" + id + "&id=abc", ada, "{\"status\":\"resolved\"}");
        assertEquals(500, response.statusCode(), response.body());
        assertTrue(response.body().matches("\\{\"detail\":\"Internal Error\",\"errorId\":\"[0-9a-f]{32}\"}"), response.body());
        assertEquals("unresolved", status(id, ada));
    }

    @Test
    void projectsOutsideTheUsersReachAre403AndProjectIdsAre400() {
        // globex is closed: Ada (member, globex-api) cannot reach ledger (finance).
        String ada = h.accessToken("1", "globex", WRITE_SCOPES);
        String ledger = issueOf("5005", 0);
        assertStatus(403, FORBIDDEN, put("organizations/globex/issues/?project=5005&id=" + ledger, ada, "{\"status\":\"resolved\"}"));
        assertStatus(403, FORBIDDEN, put("projects/globex/ledger/issues/?id=" + ledger, ada, "{\"status\":\"resolved\"}"));
        assertStatus(400, "{\"detail\":\"Invalid project parameter. Values must be numbers.\"}",
                put("organizations/globex/issues/?project=ledger&id=" + ledger, ada, "{\"status\":\"resolved\"}"));
        // project=-1 is every project she can access: not ledger, so its id falls back to a search that finds nothing.
        assertStatus(204, "", put("organizations/globex/issues/?project=-1&query=is:ignored&id=" + ledger, ada, "{\"status\":\"resolved\"}"));
        String grace = h.accessToken("2", "globex", WRITE_SCOPES);
        assertEquals("unresolved", h.object(h.apiGet(h.us("/api/0/organizations/globex/issues/" + ledger + "/"), grace)).get("status"));
        // The same call by Grace, who is in finance, changes it.
        assertStatus(200, RESOLVED, put("projects/globex/ledger/issues/?id=" + ledger, grace, "{\"status\":\"resolved\"}"));
        assertEquals("resolved", h.object(h.apiGet(h.us("/api/0/organizations/globex/issues/" + ledger + "/"), grace)).get("status"));
    }

    @Test
    void assigneesFollowSentrysRulesInAClosedOrganization() {
        String grace = h.accessToken("2", "globex", WRITE_SCOPES);
        String ledger = issueOf("5005", 0);
        String path = "projects/globex/ledger/issues/?id=" + ledger;
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("\"1\"", "Cannot assign to non-team member");
        refused.put("\"team:3003\"", "Cannot assign to a team without access to the project");
        refused.put("\"team:3001\"", "Team is not a member of this organization");
        refused.put("\"user:999\"", "ActorType.USER does not exist");
        refused.put("\"team:999\"", "ActorType.TEAM does not exist");
        refused.put("\"olga@example.com\"", "User is not a member of this organization");
        refused.put("\"nobody\"", "Could not parse actor. Format should be `type:id` where type is `team` or `user`.");
        refused.put("\"user:x\"", "Could not parse actor. Format should be `type:id` where type is `team` or `user`.");
        refused.put("null", "This field may not be null.");
        refused.forEach((value, message) -> assertStatus(400, "{\"assignedTo\":[\"" + message.replace("\"", "\\\"") + "\"]}",
                put(path, grace, "{\"assignedTo\":" + value + "}")));
        HttpResponse<String> ok = put(path, grace, "{\"assignedTo\":2}");
        assertStatus(200, "{\"assignedTo\":{\"email\":\"grace@example.com\",\"type\":\"user\",\"id\":\"2\",\"name\":\"Grace Hopper\"}}", ok);
    }

    @Test
    void resolvingInTheNextReleaseAcrossProjectsIs400() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String backend = issueOf("5001", 0);
        String frontend = issueOf("5002", 0);
        assertStatus(400, "{\"detail\":\"Cannot set resolved for multiple projects.\"}",
                put("organizations/acme/issues/?id=" + backend + "&id=" + frontend, ada, "{\"status\":\"resolvedInNextRelease\"}"));
        assertEquals("unresolved", status(backend, ada));
    }

    @Test
    void withoutIdsTheQueryChoosesAndNothingFoundIs204() {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        assertStatus(204, "", put("organizations/acme/issues/?query=is:ignored", ada, "{\"status\":\"resolved\"}"));
        // The default query is is:unresolved: every issue of frontend.
        assertStatus(200, RESOLVED, put("projects/acme/frontend/issues/", ada, "{\"status\":\"resolved\"}"));
        assertEquals(List.of(), h.array(h.apiGet(h.us("/api/0/projects/acme/frontend/issues/"), ada)));
        assertEquals("unresolved", status(issueOf("5001", 0), ada));
    }

    @Test
    void theProjectEndpointTakesShortIdsOfAnyProjectOfTheOrganization() {
        // get_group_list: no id is digits, so each is a short id (by_qualified_short_id, organization-wide).
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        Fixtures.Issue backend = h.standIn.fixtures().issuesOf("5001").get(0);
        assertStatus(200, RESOLVED, put("projects/acme/frontend/issues/?id=" + backend.shortId().toLowerCase(java.util.Locale.ROOT),
                ada, "{\"status\":\"resolved\"}"));
        assertEquals("resolved", status(backend.id(), ada));
        HttpResponse<String> unknown = put("projects/acme/frontend/issues/?id=NOPE-1", ada, "{\"status\":\"resolved\"}");
        assertEquals(500, unknown.statusCode(), unknown.body());
        // Digit ids count only within the project: backend's id on frontend finds nothing, and the search neither.
        assertStatus(204, "", put("projects/acme/frontend/issues/?query=is:ignored&id=" + issueOf("5001", 1), ada, "{\"status\":\"resolved\"}"));
    }

    @Test
    void theIssueDetailsUpdateValidatesAsTheBulkOneAndAnswersTheIssue() {
        // GroupDetailsEndpoint.put runs update_groups_with_search_fn on its one issue, then serializes the issue.
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        String id = issueOf("5002", 0);
        URI details = h.us("/api/0/organizations/acme/issues/" + id + "/");
        assertStatus(400, "{\"hasSeen\":[\"Must be a valid boolean.\"]}", put(h, details, ada, "{\"hasSeen\":\"maybe\"}"));
        HttpResponse<String> assigned = put(h, details, ada, "{\"assignedTo\":\"user:5\",\"status\":\"resolvedInNextRelease\"}");
        assertEquals(200, assigned.statusCode(), assigned.body());
        Map<String, Object> issue = h.object(assigned);
        assertEquals(id, issue.get("id"));
        assertEquals("resolved", issue.get("status"));
        assertEquals("5", ((Map<?, ?>) issue.get("assignedTo")).get("id"));
        // request.data.get("discard") on a list: an AttributeError nothing catches.
        HttpResponse<String> list = put(h, details, ada, "[]");
        assertEquals(500, list.statusCode(), list.body());
        assertEquals("resolved", status(id, ada));
    }

    /** A stand-in whose OAuth client may also grant event:admin, which deleting issues needs. */
    private static StandInHarness withEventAdmin(Path dir) throws IOException {
        String original;
        try (var in = BulkIssueMutationTest.class.getClassLoader().getResourceAsStream("standin/fixtures.json")) {
            original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String changed = original.replace("\"event:write\", \"project:releases\"]", "\"event:write\", \"event:admin\", \"project:releases\"]");
        assertTrue(!changed.equals(original), "the fixture's allowed scopes to widen");
        Path file = dir.resolve("fixtures.json");
        Files.writeString(file, changed);
        return new StandInHarness(StandInConfiguration.ephemeral().withFixtures("file:" + file));
    }

    @Test
    void deletingByIdsRemovesExactlyThoseAndNeverFallsBackToTheSearch(@TempDir Path dir) throws IOException {
        try (StandInHarness admin = withEventAdmin(dir)) {
            String token = admin.accessToken("1", "acme", READ_SCOPES + " event:admin");
            List<Fixtures.Issue> frontend = admin.standIn.fixtures().issuesOf("5002");
            String gone = frontend.get(0).id();
            assertStatus(204, "", admin.api("DELETE", admin.us("/api/0/organizations/acme/issues/?id=" + gone), token));
            assertStatus(404, NOT_FOUND, admin.apiGet(admin.us("/api/0/organizations/acme/issues/" + gone + "/"), token));
            assertEquals(2, admin.array(admin.apiGet(admin.us("/api/0/projects/acme/frontend/issues/?query="), token)).size());
            // Unknown ids delete nothing: unlike the update, the deletion does not search when ids are given.
            assertStatus(204, "", admin.api("DELETE", admin.us("/api/0/organizations/acme/issues/?id=1&id=" + gone), token));
            assertEquals(2, admin.array(admin.apiGet(admin.us("/api/0/projects/acme/frontend/issues/?query="), token)).size());
            assertStatus(500, "{\"detail\":\"Error deleting groups\"}",
                    admin.api("DELETE", admin.us("/api/0/organizations/acme/issues/?id=x"), token));
            // No ids: what the search finds (is:unresolved by default), here in one project.
            assertStatus(204, "", admin.api("DELETE", admin.us("/api/0/projects/acme/frontend/issues/"), token));
            assertEquals(List.of(), admin.array(admin.apiGet(admin.us("/api/0/projects/acme/frontend/issues/?query="), token)));
            assertEquals(230, admin.standIn.fixtures().issuesOf("5001").size());
            assertEquals("unresolved", admin.object(admin.apiGet(admin.us("/api/0/organizations/acme/issues/"
                    + admin.standIn.fixtures().issuesOf("5001").get(0).id() + "/"), token)).get("status"));
            // A reset brings them back.
            admin.standIn.reset();
            String again = admin.accessToken("1", "acme", READ_SCOPES + " event:admin");
            assertEquals(3, admin.array(admin.apiGet(admin.us("/api/0/projects/acme/frontend/issues/?query="), again)).size());
        }
    }

    @Test
    void aQueryTheParserRefusesIs400AndTouchesNothing(@TempDir Path dir) throws IOException {
        String ada = h.accessToken("1", "acme", WRITE_SCOPES);
        // update_groups_with_search_fn catches the search's ValidationError with a message of its own.
        assertStatus(400, "{\"detail\":\"Invalid query. Error getting group ids and group list\"}",
                put("organizations/acme/issues/?query=is:bogus", ada, "{\"status\":\"resolved\"}"));
        assertStatus(400, "{\"detail\":\"Invalid query. Error getting group ids and group list\"}",
                put("projects/acme/frontend/issues/?query=is:bogus", ada, "{\"status\":\"resolved\"}"));
        assertEquals(3, h.array(h.apiGet(h.us("/api/0/projects/acme/frontend/issues/"), ada)).size(), "nothing resolved");
        // schedule_tasks_to_delete_groups answers the search's own message.
        try (StandInHarness admin = withEventAdmin(dir)) {
            String token = admin.accessToken("1", "acme", READ_SCOPES + " event:admin");
            HttpResponse<String> refused = admin.api("DELETE", admin.us("/api/0/projects/acme/frontend/issues/?query=is:bogus"), token);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().startsWith("{\"detail\":\"Error parsing search query: Invalid value for \\\"is\\\" search"),
                    refused.body());
            assertEquals(3, admin.array(admin.apiGet(admin.us("/api/0/projects/acme/frontend/issues/"), token)).size(), "nothing deleted");
        }
    }
}
