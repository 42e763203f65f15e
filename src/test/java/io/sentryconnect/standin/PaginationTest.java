package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The list endpoints' paging and list parameters as Sentry answers them: {@code Endpoint.paginate} with the paginator
 * each view names ({@code src/sentry/api/base.py}, {@code src/sentry/api/paginator.py},
 * {@code src/sentry/utils/pagination_factory.py}), and the issue lists' own parameters
 * ({@code build_query_params_from_request}, {@code get_date_range_from_stats_period}).
 */
class PaginationTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private static void assertStatus(int status, String body, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
    }

    private static String detail(String message) {
        return "{\"detail\":\"" + message.replace("\"", "\\\"") + "\"}";
    }

    private static String link(HttpResponse<String> response) {
        return response.headers().firstValue("Link").orElseThrow();
    }

    private List<Object> slugs(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return h.array(response).stream().map(p -> (Object) ((Map<?, ?>) p).get("slug")).toList();
    }

    // --- per_page and cursor: Endpoint.paginate -----------------------------------------------------------------

    @Test
    void perPageIsPythonsIntBetweenOneAndAHundred() {
        String token = h.accessToken("1", "acme", "org:read");
        String projects = "/api/0/organizations/acme/projects/?per_page=";
        for (String bad : List.of("101", "0", "-1", "99999999999999999999")) {
            assertStatus(400, detail("Invalid per_page value. Must be between 1 and 100."), h.apiGet(h.us(projects + bad), token));
        }
        for (String bad : List.of("abc", "", "1.5", "2e1")) {
            assertStatus(400, detail("Invalid per_page parameter."), h.apiGet(h.us(projects + bad), token));
        }
        // int() allows a sign, blanks around and underscores between digits.
        assertEquals(List.of("backend", "billing"), slugs(h.apiGet(h.us(projects + "%2B2"), token)));
        assertEquals(List.of("backend", "billing"), slugs(h.apiGet(h.us(projects + "%202%20"), token)));
        assertEquals(3, slugs(h.apiGet(h.us(projects + "1_00"), token)).size());
    }

    @Test
    void aCursorIsThreeIntegersAndAnythingElseIsInvalid() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (String path : List.of("/api/0/organizations/acme/projects/", "/api/0/organizations/acme/issues/",
                "/api/0/projects/acme/backend/issues/", "/api/0/organizations/")) {
            for (String bad : List.of("abc", "1:2", "1:2:3:4", "a:0:0", "0:1.5:0", "0:0:x", "::")) {
                assertStatus(400, detail("Invalid cursor parameter."), h.apiGet(h.us(path + "?cursor=" + bad), token));
            }
            assertEquals(200, h.apiGet(h.us(path + "?cursor="), token).statusCode(), "an empty cursor is none");
        }
        // per_page is read before the cursor.
        assertStatus(400, detail("Invalid per_page parameter."),
                h.apiGet(h.us("/api/0/organizations/acme/projects/?per_page=x&cursor=abc"), token));
    }

    // --- OffsetPaginator: organization and team projects ------------------------------------------------------

    @Test
    void theProjectListsPageWithOffsetCursorsOfPageSizeAndPageNumber() {
        String token = h.accessToken("1", "acme", READ_SCOPES + " org:read");
        String base = h.standIn.regionUrl("us") + "/api/0/organizations/acme/projects/";
        HttpResponse<String> all = h.apiGet(URI.create(base), token);
        assertEquals(List.of("backend", "billing", "frontend"), slugs(all));
        assertEquals("<" + base + "?&cursor=100:-1:1>; rel=\"previous\"; results=\"false\"; cursor=\"100:-1:1\", "
                + "<" + base + "?&cursor=100:1:0>; rel=\"next\"; results=\"false\"; cursor=\"100:1:0\"", link(all));
        assertTrue(all.headers().firstValue("X-Hits").isEmpty(), "OffsetPaginator counts no hits");

        HttpResponse<String> first = h.apiGet(URI.create(base + "?per_page=2"), token);
        assertEquals(List.of("backend", "billing"), slugs(first));
        assertTrue(link(first).endsWith("<" + base + "?per_page=2&cursor=2:1:0>; rel=\"next\"; results=\"true\"; cursor=\"2:1:0\""),
                link(first));
        HttpResponse<String> second = h.apiGet(URI.create(base + "?per_page=2&cursor=2:1:0"), token);
        assertEquals(List.of("frontend"), slugs(second));
        assertTrue(link(second).startsWith("<" + base + "?per_page=2&cursor=2:0:1>; rel=\"previous\"; results=\"true\""), link(second));

        // The offset is a page number times the cursor's page size: 0:100:0 is the first page again, not row 100.
        assertEquals(List.of("backend", "billing", "frontend"), slugs(h.apiGet(URI.create(base + "?cursor=0:100:0"), token)));
        // A cursor's own page size counts: page 1 of size 1 is the second project, whatever per_page says.
        assertEquals(List.of("billing"), slugs(h.apiGet(URI.create(base + "?per_page=1&cursor=1:1:0"), token)));
        // Following the first page's previous link: a negative offset.
        assertStatus(400, detail("Pagination offset cannot be negative"), h.apiGet(URI.create(base + "?cursor=100:-1:1"), token));

        String team = "/api/0/teams/acme/platform/projects/";
        HttpResponse<String> teamPage = h.apiGet(h.us(team + "?per_page=1"), token);
        assertEquals(List.of("backend"), slugs(teamPage));
        assertTrue(link(teamPage).contains("cursor=\"1:1:0\""), link(teamPage));
        assertEquals(List.of("frontend"), slugs(h.apiGet(h.us(team + "?per_page=1&cursor=1:1:0"), token)));
    }

    @Test
    void theProjectListsRefuseAStatsPeriodTheirViewDoesNotOffer() {
        String token = h.accessToken("1", "acme", READ_SCOPES + " org:read");
        assertStatus(400, "{\"error\":{\"params\":{\"stats_period\":{\"message\":\"Invalid stats_period. Valid choices are '', "
                        + "'1h', '24h', '7d', '14d', '30d', and '90d'\"}}}}",
                h.apiGet(h.us("/api/0/organizations/acme/projects/?statsPeriod=2h"), token));
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/projects/?statsPeriod=7d"), token).statusCode());
        assertStatus(400, detail("dataset must be one of: , discover, metricsEnhanced, metrics"),
                h.apiGet(h.us("/api/0/organizations/acme/projects/?dataset=spans"), token));
        assertStatus(400, "{\"error\":{\"params\":{\"stats_period\":{\"message\":\"Invalid stats_period. Valid choices are '', "
                        + "'24h', '14d', and '30d'\"}}}}",
                h.apiGet(h.us("/api/0/teams/acme/platform/projects/?statsPeriod=7d"), token));
        assertEquals(200, h.apiGet(h.us("/api/0/teams/acme/platform/projects/?statsPeriod=30d"), token).statusCode());
    }

    @Test
    void theOrganizationsProjectListNarrowsByItsQuery() {
        String token = h.accessToken("1", "acme", "org:read");
        String projects = "/api/0/organizations/acme/projects/?query=";
        assertEquals(List.of("backend"), slugs(h.apiGet(h.us(projects + "back"), token)));
        assertEquals(List.of("billing"), slugs(h.apiGet(h.us(projects + "slug:billing"), token)));
        assertEquals(List.of("backend", "billing"), slugs(h.apiGet(h.us(projects + "id:5001%20id:5004"), token)));
        assertEquals(List.of("billing"), slugs(h.apiGet(h.us(projects + "team:payments"), token)));
        assertEquals(List.of("backend", "frontend"), slugs(h.apiGet(h.us(projects + "!team:payments"), token)));
        assertEquals(List.of("backend", "frontend"), slugs(h.apiGet(h.us(projects + "is_member:1"), token)), "Ada's team is platform");
        assertEquals(List.of("frontend"), slugs(h.apiGet(h.us(projects + "team:platform%20front"), token)), "every key holds");
        assertTrue(slugs(h.apiGet(h.us(projects + "bookmarked:1"), token)).isEmpty(), "an unknown key finds nothing");
        assertStatus(400, "{\"error\":{\"params\":{\"stats_period\":{\"message\":\"All 'id' values must be integers.\"}}}}",
                h.apiGet(h.us(projects + "id:backend"), token));
    }

    // --- DateTimePaginator: the organizations list ------------------------------------------------------------

    @Test
    void theOrganizationsListPagesByCreationTime() {
        String token = h.accessToken("2", "umbrella", READ_SCOPES);
        String base = h.standIn.regionUrl("de") + "/api/0/organizations/";
        HttpResponse<String> page = h.apiGet(URI.create(base), token);
        assertEquals(List.of("umbrella"), slugs(page));
        // -date_added: every organization here was created at 2021-03-04T10:20:30Z.
        assertEquals("<" + base + "?&cursor=1614853230000:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"1614853230000:0:1\", "
                + "<" + base + "?&cursor=1614853230000:100:0>; rel=\"next\"; results=\"false\"; cursor=\"1614853230000:100:0\"", link(page));
        assertTrue(slugs(h.apiGet(URI.create(base + "?cursor=1614853230000:100:0"), token)).isEmpty());
        assertTrue(slugs(h.apiGet(URI.create(base + "?cursor=1614853229999:0:0"), token)).isEmpty(), "created after the cursor");
        // A negative row offset reaches Django's "Negative indexing is not supported.": a 500.
        HttpResponse<String> negative = h.apiGet(URI.create(base + "?cursor=0:-1:0"), token);
        assertEquals(500, negative.statusCode());
        assertEquals("Internal Error", h.object(negative).get("detail"));
    }

    @Test
    void theOrganizationsListNarrowsByItsQueryAndSortsByMembersWithOffsetCursors() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        String list = "/api/0/organizations/?";
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=acm"), token)));
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=ada@example.com"), token)), "a member's email");
        assertTrue(slugs(h.apiGet(h.us(list + "query=globex"), token)).isEmpty(), "narrowed to the token's organization first");
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=slug:ACME"), token)));
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=email:mary@example.com"), token)));
        assertTrue(slugs(h.apiGet(h.us(list + "query=email:nobody@example.com"), token)).isEmpty());
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=id:1001"), token)));
        assertEquals(500, h.apiGet(h.us(list + "query=id:acme"), token).statusCode());
        assertEquals(List.of("acme"), slugs(h.apiGet(h.us(list + "query=status:active"), token)));
        assertTrue(slugs(h.apiGet(h.us(list + "query=status:bogus"), token)).isEmpty());
        assertTrue(slugs(h.apiGet(h.us(list + "query=bogus:1"), token)).isEmpty(), "an unknown key finds nothing");

        HttpResponse<String> byMembers = h.apiGet(h.us(list + "sortBy=members"), token);
        assertEquals(List.of("acme"), slugs(byMembers));
        assertTrue(link(byMembers).endsWith("&cursor=100:1:0>; rel=\"next\"; results=\"false\"; cursor=\"100:1:0\""), link(byMembers));
    }

    // --- ChainPaginator: release files ------------------------------------------------------------------------

    @Test
    void releaseFilesRefuseAnOffsetPastTwentyThousand() {
        String token = h.accessToken("1", "acme", READ_SCOPES + " project:releases");
        String files = "/api/0/organizations/acme/releases/frontend@1.4.0/files/";
        HttpResponse<String> none = h.apiGet(h.us(files), token);
        assertEquals(200, none.statusCode(), none.body());
        assertTrue(link(none).contains("cursor=\"100:1:0\""), link(none));
        assertStatus(400, detail("Pagination offset too large"), h.apiGet(h.us(files + "?cursor=100:200:0"), token));
        assertEquals(200, h.apiGet(h.us(files + "?cursor=100:199:0"), token).statusCode());
        assertStatus(400, detail("Pagination offset cannot be negative"), h.apiGet(h.us(files + "?cursor=100:-1:1"), token));
    }

    // --- the issue lists ----------------------------------------------------------------------------------------

    @Test
    void theIssueListsReadLimitNotPerPage() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (String list : List.of("/api/0/projects/acme/backend/issues/", "/api/0/organizations/acme/issues/?project=5001")) {
            String sep = list.contains("?") ? "&" : "?";
            assertEquals(100, h.array(h.apiGet(h.us(list + sep + "per_page=5"), token)).size(), "per_page is not the search's");
            assertEquals(5, h.array(h.apiGet(h.us(list + sep + "limit=5"), token)).size());
            assertEquals(100, h.array(h.apiGet(h.us(list + sep + "limit=500"), token)).size(), "the paginators clamp to 100");
            assertEquals(100, h.array(h.apiGet(h.us(list + sep + "limit="), token)).size(), "an empty limit is none");
            assertStatus(400, detail("invalid limit"), h.apiGet(h.us(list + sep + "limit=ten"), token));
            assertStatus(400, detail("invalid limit"), h.apiGet(h.us(list + sep + "limit=1.5&cursor=abc"), token));
            HttpResponse<String> zero = h.apiGet(h.us(list + sep + "limit=0"), token);
            assertEquals(200, zero.statusCode());
            assertTrue(h.array(zero).isEmpty());
            assertTrue(link(zero).contains("rel=\"next\"; results=\"true\""), "an empty page that says there is more");
            assertEquals(500, h.apiGet(h.us(list + sep + "limit=-1"), token).statusCode());
        }
    }

    @Test
    void anIssueCursorIsAScoreNotARowOffset() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (String list : List.of("/api/0/projects/acme/backend/issues/", "/api/0/organizations/acme/issues/?project=5001")) {
            String sep = list.contains("?") ? "&" : "?";
            // "0:100:0" asks Snuba for the rows scored at or below 0: none, though there are hits.
            HttpResponse<String> crafted = h.apiGet(h.us(list + sep + "cursor=0:100:0"), token);
            assertEquals(200, crafted.statusCode());
            assertTrue(h.array(crafted).isEmpty(), crafted.body());
            assertEquals("230", crafted.headers().firstValue("X-Hits").orElseThrow());
            assertTrue(link(crafted).endsWith("rel=\"next\"; results=\"false\"; cursor=\"0:100:0\""), link(crafted));
            // A negative offset fails SequencePaginator's assertion.
            assertEquals(500, h.apiGet(h.us(list + sep + "cursor=1732104000000:-1:0"), token).statusCode());
        }
        // The organization's list is always Snuba's: its first page already has score cursors with offsets.
        String base = h.standIn.regionUrl("us") + "/api/0/organizations/acme/issues/";
        HttpResponse<String> first = h.apiGet(URI.create(base + "?project=5001"), token);
        assertEquals("<" + base + "?project=5001&cursor=1732104000000:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"1732104000000:0:1\", "
                + "<" + base + "?project=5001&cursor=1731882000000:0:0>; rel=\"next\"; results=\"true\"; cursor=\"1731882000000:0:0\"",
                link(first));
        assertEquals("230", first.headers().firstValue("X-Hits").orElseThrow());
        assertEquals("1000", first.headers().firstValue("X-Max-Hits").orElseThrow());
        // Back from the second page by its previous link: the first page again.
        HttpResponse<String> back = h.apiGet(URI.create(base + "?project=5001&cursor=1731882000000:0:1"), token);
        assertEquals(h.array(first), h.array(back));
    }

    @Test
    void theLinkHeaderCarriesTheQueryAsDjangoEncodesIt() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        String base = h.standIn.regionUrl("us") + "/api/0/projects/acme/backend/issues/";
        HttpResponse<String> page = h.apiGet(URI.create(base + "?query=is:unresolved%20error&limit=5&query=is:unresolved&cursor="), token);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(link(page).startsWith("<" + base + "?query=is%3Aunresolved+error&query=is%3Aunresolved&limit=5&cursor="), link(page));
    }

    @Test
    void theIssueSearchRefusesWhatSentrysParserRefuses() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (String list : List.of("/api/0/projects/acme/backend/issues/", "/api/0/organizations/acme/issues/")) {
            HttpResponse<String> bogus = h.apiGet(h.us(list + "?query=is:bogus"), token);
            assertEquals(400, bogus.statusCode());
            assertTrue(((String) h.object(bogus).get("detail"))
                    .startsWith("Error parsing search query: Invalid value for \"is\" search, valid values are ['archived', "), bogus.body());
            assertStatus(400, detail("Sort key 'bogus' not supported."), h.apiGet(h.us(list + "?sort=bogus"), token));
            assertStatus(400, detail("Sort key '' not supported."), h.apiGet(h.us(list + "?sort="), token));
            for (String sort : List.of("date", "new", "freq", "user", "trends", "recommended")) {
                assertEquals(200, h.apiGet(h.us(list + "?sort=" + sort), token).statusCode(), sort);
            }
            // Every term holds: no issue is both unresolved and resolved.
            HttpResponse<String> both = h.apiGet(h.us(list + "?query=is:unresolved%20is:resolved"), token);
            assertTrue(h.array(both).isEmpty(), both.body());
            assertFalse(h.array(h.apiGet(h.us(list + "?query=!is:resolved"), token)).isEmpty());
        }
        assertStatus(400, detail("Sort key 'inbox' only supported for inbox search"),
                h.apiGet(h.us("/api/0/organizations/acme/issues/?sort=inbox"), token));
    }

    @Test
    void freqSortsByEventCountDescending() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        List<Object> counts = h.array(h.apiGet(h.us("/api/0/projects/acme/backend/issues/?sort=freq&limit=3"), token)).stream()
                .map(i -> (Object) ((Map<?, ?>) i).get("count")).toList();
        assertEquals(List.of("691", "688", "685"), counts, "count is 3n+1 for the n-th of 230");
    }

    @Test
    void theOrganizationsIssueListChecksItsDateRangeAndGroupStatsPeriod() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        String list = "/api/0/organizations/acme/issues/?";
        assertStatus(400, detail("Invalid statsPeriod: 'bogus'"), h.apiGet(h.us(list + "statsPeriod=bogus"), token));
        assertStatus(400, detail("Invalid statsPeriod: ''"), h.apiGet(h.us(list + "statsPeriod="), token));
        assertStatus(400, detail("Invalid statsPeriod: '14D'"), h.apiGet(h.us(list + "statsPeriod=14D"), token));
        assertStatus(400, detail("Invalid statsPeriod: '99999999d'"), h.apiGet(h.us(list + "statsPeriod=99999999d"), token));
        assertStatus(400, detail("start must be before end"), h.apiGet(h.us(list + "statsPeriod=0"), token));
        assertStatus(400, detail("start and end are both required"), h.apiGet(h.us(list + "start=2024-11-01T00:00:00"), token));
        assertStatus(400, detail("shrug is not a valid ISO8601 date query"),
                h.apiGet(h.us(list + "start=shrug&end=2024-11-01T00:00:00"), token));
        assertStatus(400, detail("start must be before end"),
                h.apiGet(h.us(list + "start=2024-11-02T00:00:00Z&end=2024-11-01T00:00:00Z"), token));
        assertStatus(400, detail("statsPeriodStart and statsPeriodEnd are both required"),
                h.apiGet(h.us(list + "statsPeriodStart=14d"), token));
        assertStatus(400, detail("Invalid stats_period. Valid choices are '', '24h', '14d' and 'auto'"),
                h.apiGet(h.us(list + "groupStatsPeriod=1h"), token));
        for (String ok : List.of("statsPeriod=14d", "statsPeriod=90d", "statsPeriod=3600", "statsPeriod=2w",
                "statsPeriodStart=14d&statsPeriodEnd=1d", "start=2024-11-01&end=2024-11-21T00:00:00Z",
                "start=1730419200&end=1732147200", "groupStatsPeriod=auto", "groupStatsPeriod=")) {
            assertEquals(200, h.apiGet(h.us(list + ok), token).statusCode(), ok);
        }
        // The date range is read before the projects: a bad one is a 400 even for a project the user cannot see
        // (Ada is a plain member of the closed globex, ledger is the finance team's).
        String globex = h.accessToken("1", "globex", READ_SCOPES);
        assertEquals(403, h.apiGet(h.us("/api/0/organizations/globex/issues/?project=5005"), globex).statusCode());
        assertStatus(400, detail("Invalid statsPeriod: 'x'"),
                h.apiGet(h.us("/api/0/organizations/globex/issues/?statsPeriod=x&project=5005"), globex));
    }

    @Test
    void theProjectsIssueListChecksItsStatsPeriod() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        assertStatus(400, detail("Invalid stats_period. Valid choices are '', '24h', and '14d'"),
                h.apiGet(h.us("/api/0/projects/acme/backend/issues/?statsPeriod=30d"), token));
        assertEquals(200, h.apiGet(h.us("/api/0/projects/acme/backend/issues/?statsPeriod=14d"), token).statusCode());
        assertEquals(200, h.apiGet(h.us("/api/0/projects/acme/backend/issues/?statsPeriod="), token).statusCode());
    }

    @Test
    void noMatchIsSnubasEmptyResultWithoutHitsButThePostgresPageCountsZero() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        HttpResponse<String> organization = h.apiGet(h.us("/api/0/organizations/acme/issues/?query=is:resolved"), token);
        assertTrue(h.array(organization).isEmpty());
        assertTrue(organization.headers().firstValue("X-Hits").isEmpty());
        assertTrue(link(organization).endsWith("rel=\"next\"; results=\"false\"; cursor=\"0:0:0\""), link(organization));
        assertTrue(link(organization).contains("rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\""), link(organization));
        HttpResponse<String> project = h.apiGet(h.us("/api/0/projects/acme/backend/issues/?query=is:resolved"), token);
        assertTrue(h.array(project).isEmpty());
        assertEquals("0", project.headers().firstValue("X-Hits").orElseThrow());
        assertEquals("1000", project.headers().firstValue("X-Max-Hits").orElseThrow());
    }
}
