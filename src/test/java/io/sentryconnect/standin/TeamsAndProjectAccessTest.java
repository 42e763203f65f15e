package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.sentryconnect.standin.StandInHarness.FORBIDDEN;
import static io.sentryconnect.standin.StandInHarness.NOT_FOUND;
import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static io.sentryconnect.standin.StandInHarness.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Teams decide what a user's token reaches, as in Sentry (src/sentry/api/bases/organization.py, get_projects;
 * src/sentry/auth/access.py): the organization's issue list without {@code project} is the user's teams' projects,
 * {@code project=-1} every project the user can access, and the team endpoints need the team.
 *
 * <p>Fixtures: acme (open membership) has backend and frontend in team platform and billing (5004) in team
 * payments; Ada owns acme and is in platform, Mary is a plain member in platform. globex (membership closed) has
 * api (5003) in globex-api and ledger (5005) in finance; Ada is a member in globex-api, Grace owns globex and is in both.
 */
class TeamsAndProjectAccessTest {


    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }


    private static final java.util.regex.Pattern NEXT =
            java.util.regex.Pattern.compile("<([^>]+)>; rel=\"next\"; results=\"(true|false)\"");

    /** The project ids of every issue the organization's issue list answers, its next links followed. */
    private Set<String> projectsOfIssues(String org, String params, String token) {
        Set<String> projects = new TreeSet<>();
        java.net.URI url = h.us("/api/0/organizations/" + org + "/issues/?query=" + params);
        for (int pages = 0; pages < 20; pages++) {
            HttpResponse<String> response = h.apiGet(url, token);
            assertEquals(200, response.statusCode(), response.body());
            h.array(response).forEach(i -> projects.add((String) ((Map<?, ?>) ((Map<?, ?>) i).get("project")).get("id")));
            java.util.regex.Matcher next = NEXT.matcher(response.headers().firstValue("Link").orElse(""));
            if (!next.find() || next.group(2).equals("false")) {
                break;
            }
            url = java.net.URI.create(next.group(1));
        }
        return projects;
    }

    @Test
    void withoutProjectTheIssueListIsTheProjectsOfTheUsersTeamsEvenForAnOwner() {
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        assertEquals(Set.of("5001", "5002"), projectsOfIssues("acme", "", ada), "billing is payments', not Ada's team's");
        // -1 is every project she can access: as owner (a global role), all of them.
        assertEquals(Set.of("5001", "5002", "5004"), projectsOfIssues("acme", "&project=-1", ada));
        assertEquals(Set.of("5004"), projectsOfIssues("acme", "&project=5004", ada));
    }

    @Test
    void openMembershipGivesAPlainMemberEveryProjectOnlyWhenAskedFor() {
        // acme allows join/leave, so Mary (member) can access billing, but it is not hers without asking.
        String mary = h.accessToken("5", "acme", READ_SCOPES);
        assertEquals(Set.of("5001", "5002"), projectsOfIssues("acme", "", mary));
        assertEquals(Set.of("5001", "5002", "5004"), projectsOfIssues("acme", "&project=-1", mary));
        assertEquals(Set.of("5004"), projectsOfIssues("acme", "&project=5004", mary));
    }

    @Test
    void inAClosedOrganizationAMemberReachesOnlyHerTeamsProjects() {
        String ada = h.accessToken("1", "globex", READ_SCOPES);
        assertEquals(Set.of("5003"), projectsOfIssues("globex", "", ada));
        assertEquals(Set.of("5003"), projectsOfIssues("globex", "&project=-1", ada), "-1 is what she can access");
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/globex/issues/?project=5005"), ada));
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/globex/issues/?project=5003&project=5005"), ada));
        // The project's own issue list and an issue of it are refused alike (ProjectPermission, GroupPermission).
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/projects/globex/ledger/issues/"), ada));
        String ledgerIssue = h.standIn.fixtures().issuesOf("5005").get(0).id();
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/globex/issues/" + ledgerIssue + "/"), ada));
        // group= looks only among the chosen projects.
        assertEquals(List.of(), h.array(h.apiGet(h.us("/api/0/organizations/globex/issues/?group=" + ledgerIssue), ada)));
        // Grace owns globex: a global role reaches ledger, but her issue list without project is still her teams'.
        String grace = h.accessToken("2", "globex", READ_SCOPES);
        assertEquals(Set.of("5003", "5005"), projectsOfIssues("globex", "", grace));
        assertEquals(1, h.array(h.apiGet(h.us("/api/0/organizations/globex/issues/?group=" + ledgerIssue), grace)).size());
        assertEquals(200, h.apiGet(h.us("/api/0/projects/globex/ledger/issues/"), grace).statusCode());
    }

    @Test
    void groupLooksOnlyAmongTheChosenProjects() {
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        String billingIssue = h.standIn.fixtures().issuesOf("5004").get(0).id();
        assertEquals(List.of(), h.array(h.apiGet(h.us("/api/0/organizations/acme/issues/?group=" + billingIssue), ada)));
        assertEquals(1, h.array(h.apiGet(h.us("/api/0/organizations/acme/issues/?project=-1&group=" + billingIssue), ada)).size());
    }

    @Test
    void noProjectToChooseIsAnEmptyListWithoutALinkHeaderBeforeGroupIsRead() throws Exception {
        // The same fixtures, but Mary in no team of acme.
        String json;
        try (var in = getClass().getClassLoader().getResourceAsStream("standin/fixtures.json")) {
            json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String teamless = json.replace("{\"user_id\": \"5\", \"org_slug\": \"acme\", \"role\": \"member\", \"teams\": [\"platform\"]}",
                "{\"user_id\": \"5\", \"org_slug\": \"acme\", \"role\": \"member\"}");
        assertTrue(!teamless.equals(json), "the fixture line to change");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("fixtures-teamless", ".json");
        java.nio.file.Files.writeString(file, teamless);
        try (StandInHarness teamlessStandIn = new StandInHarness(StandInConfiguration.ephemeral().withFixtures(file.toString()))) {
            String mary = teamlessStandIn.accessToken("5", "acme", READ_SCOPES);
            HttpResponse<String> none = teamlessStandIn.apiGet(teamlessStandIn.us("/api/0/organizations/acme/issues/?group=x"), mary);
            assertStatus(200, "[]", none);
            assertTrue(none.headers().firstValue("Link").isEmpty(), "Response([]), not a page");
            // Open membership: asked for, every project is hers to read.
            HttpResponse<String> all = teamlessStandIn.apiGet(teamlessStandIn.us("/api/0/organizations/acme/issues/?project=-1"), mary);
            assertEquals(100, teamlessStandIn.array(all).size(), all.body());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void projectParametersMustBeNumbers() {
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        String invalid = "{\"detail\":\"Invalid project parameter. Values must be numbers.\"}";
        for (String value : List.of("backend", "", "5001x", "1.5")) {
            assertStatus(400, invalid, h.apiGet(h.us("/api/0/organizations/acme/issues/?project=" + value), ada));
        }
        assertStatus(400, invalid, h.apiGet(h.us("/api/0/organizations/acme/issues/?project=5001&project=x"), ada));
        // Python's int() takes a sign and surrounding blanks, as Sentry's parse does.
        assertEquals(Set.of("5001"), projectsOfIssues("acme", "&project=+5001", ada));
        assertEquals(Set.of("5001"), projectsOfIssues("acme", "&project=%205001%20", ada));
    }

    @Test
    void theProjectsListNeedsAnOrgScopeAndNamesMembershipAndAccess() {
        // OrganizationProjectsPermission: GET takes org:read, org:write or org:admin; project:* are POST's.
        for (String scopes : List.of("project:read", "project:releases", "project:read team:read member:read event:read event:write")) {
            assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/organizations/acme/projects/"), h.accessToken("1", "acme", scopes)));
        }
        HttpResponse<String> response = h.apiGet(h.us("/api/0/organizations/acme/projects/"), h.accessToken("5", "acme", "org:read"));
        assertEquals(200, response.statusCode(), response.body());
        List<Object> projects = h.array(response);
        assertEquals(List.of("backend", "billing", "frontend"), projects.stream().map(p -> ((Map<?, ?>) p).get("slug")).toList(),
                "every project of the organization, by slug");
        Map<?, ?> billing = (Map<?, ?>) projects.get(1);
        assertEquals(false, billing.get("isMember"));
        assertEquals(true, billing.get("hasAccess"), "acme's open membership");
        assertEquals(true, ((Map<?, ?>) projects.get(0)).get("isMember"));
        List<Object> globex = h.array(h.apiGet(h.us("/api/0/organizations/globex/projects/"), h.accessToken("1", "globex", "org:read")));
        Map<?, ?> ledger = (Map<?, ?>) globex.stream().filter(p -> ((Map<?, ?>) p).get("slug").equals("ledger")).findFirst().orElseThrow();
        assertEquals(false, ledger.get("isMember"));
        assertEquals(false, ledger.get("hasAccess"), "globex's membership is closed and Ada is a plain member");
    }

    // --- projects/{org}/{project}/ ---------------------------------------------------------------------------------

    @Test
    void aProjectsDetailsAnswerToATokenOfItsOrganizationThatReachesIt() {
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        HttpResponse<String> backend = h.apiGet(h.us("/api/0/projects/acme/backend/"), ada);
        assertEquals(200, backend.statusCode(), backend.body());
        Map<?, ?> project = h.object(backend);
        assertEquals("backend", project.get("slug"));
        assertEquals("acme", ((Map<?, ?>) project.get("organization")).get("slug"));
        assertEquals(List.of("platform"), ((List<?>) project.get("teams")).stream().map(t -> ((Map<?, ?>) t).get("slug")).toList());
        assertEquals(ApiRoutes.View.shared("ProjectDetailsEndpoint"),
                ApiRoutes.resolve("/api/0/projects/acme/backend/").orElseThrow().route().view());
        // RelaxedProjectPermission: a project scope, not org:read alone.
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/projects/acme/backend/"), h.accessToken("1", "acme", "org:read team:read")));
        // ProjectPermission: in a closed organization, only a project of her teams.
        String adaGlobex = h.accessToken("1", "globex", READ_SCOPES);
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/projects/globex/ledger/"), adaGlobex));
        assertEquals(200, h.apiGet(h.us("/api/0/projects/globex/api/"), adaGlobex).statusCode());
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/projects/acme/no-such-project/"), ada));
        assertStatus(401, "{\"detail\":\"Unauthorized organization access.\"}", h.apiGet(h.us("/api/0/projects/globex/api/"), ada));
        assertStatus(404, NOT_FOUND, h.apiGet(h.de("/api/0/projects/acme/backend/"), ada));
    }

    // --- teams/{org}/{team}/projects/ ------------------------------------------------------------------------------

    @Test
    void aTeamsProjectsAreListedToATokenOfItsOrganization() {
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        HttpResponse<String> response = h.apiGet(h.us("/api/0/teams/acme/platform/projects/"), ada);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("backend", "frontend"), h.array(response).stream().map(p -> ((Map<?, ?>) p).get("slug")).toList());
        assertTrue(response.headers().firstValue("Link").isPresent());
        // Not another organization's team: the org-scoped token rule, as on every organization URL.
        assertStatus(401, "{\"detail\":\"Unauthorized organization access.\"}",
                h.apiGet(h.us("/api/0/teams/globex/globex-api/projects/"), ada));
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/teams/acme/no-such-team/projects/"), ada));
        assertStatus(404, NOT_FOUND, h.apiGet(h.de("/api/0/teams/acme/platform/projects/"), ada));
    }

    @Test
    void aTeamsProjectsNeedAProjectScopeAndAccessToTheTeam() {
        // TeamProjectPermission: GET takes project:read, project:write or project:admin; org:read is not enough.
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/teams/acme/platform/projects/"),
                h.accessToken("1", "acme", "org:read team:read")));
        // has_team_access: in a closed organization a member reaches only her own teams.
        String ada = h.accessToken("1", "globex", READ_SCOPES);
        assertStatus(403, FORBIDDEN, h.apiGet(h.us("/api/0/teams/globex/finance/projects/"), ada));
        assertEquals(200, h.apiGet(h.us("/api/0/teams/globex/globex-api/projects/"), ada).statusCode());
        // In an open one, every team.
        HttpResponse<String> payments = h.apiGet(h.us("/api/0/teams/acme/payments/projects/"), h.accessToken("5", "acme", READ_SCOPES));
        assertEquals(200, payments.statusCode(), payments.body());
        assertEquals(List.of("billing"), h.array(payments).stream().map(p -> ((Map<?, ?>) p).get("slug")).toList());
    }

    @Test
    void teamRoutesAreOrganizationRoutesForTheTokenRuleAndTheRateLimitBucket() {
        // teams/{org}/{team}/ names the organization: an org-scoped token of it passes authentication (the stand-in
        // then does not serve team details), where before it was "limited to organization endpoints".
        String ada = h.accessToken("1", "acme", READ_SCOPES);
        assertStatus(404, NOT_FOUND, h.apiGet(h.us("/api/0/teams/acme/platform/"), ada));
        assertFalse(h.apiGet(h.us("/api/0/teams/acme/platform/projects/"), ada).body().contains("limited to organization"));
        assertEquals(ApiRoutes.View.shared("TeamProjectsEndpoint"),
                ApiRoutes.resolve("/api/0/teams/acme/platform/projects/").orElseThrow().route().view());
        assertEquals("acme", ApiRoutes.resolve("/api/0/teams/acme/platform/projects/").orElseThrow().organization());
    }

    @Test
    void everyFixtureProjectBelongsToATeamAndTheDefaultUserIsInTheTeamsOfTheSuitesProjects() {
        Fixtures fixtures = h.standIn.fixtures();
        fixtures.projects().forEach(p -> assertFalse(p.teams().isEmpty(), p.slug()));
        List<String> adas = new ArrayList<>();
        fixtures.memberships().stream().filter(m -> m.userId().equals("1")).forEach(m -> adas.addAll(m.teams()));
        assertEquals(List.of("platform", "globex-api", "tps"), adas);
    }
}
