package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code /api/0/} endpoints the service uses, with Sentry's checks in Sentry's order: rate limit (429, the
 * middleware runs before the view), authentication (401, including the org-scoped token rule), scope (403), object
 * lookup (404), the token's organization (403). The main origin answers only the control-silo endpoints;
 * organization data is served by the organization's own region origin, and asking a region for an organization it
 * does not hold is a 404, as a region silo answers. Which URL is which lives in {@link ApiRoutes}.
 */
final class ApiEndpoints {

    static final String NOT_FOUND = "The requested resource does not exist";
    static final String FORBIDDEN = "You do not have permission to perform this action.";
    /** {@code QuietBasicAuthentication.authenticate_header} in {@code src/sentry/api/authentication.py}. */
    static final String WWW_AUTHENTICATE = "xBasic realm=\"api\"";
    static final String UNAUTHORIZED_ORGANIZATION = "Unauthorized organization access.";
    static final String ORGANIZATION_ENDPOINTS_ONLY = "This token access is limited to organization endpoints.";
    /** Sentry's last URL pattern, {@code CatchallEndpoint}: what an unknown path resolves to. */
    private static final String CATCHALL = "sentry-api-catchall";
    private static final int MAX_PER_PAGE = 100;
    private static final Pattern CURSOR = Pattern.compile("^(-?\\d+):(\\d+):([01])$");
    private static final Set<String> ISSUE_STATUSES = Set.of("resolved", "unresolved", "ignored", "resolvedInNextRelease");
    private static final String DATE_CREATED = "2021-03-04T10:20:30.000000Z";

    private final Directory directory;
    private final StandInState state;
    private final RateLimiter rateLimiter;
    private final Json json;
    private final Urls urls;

    ApiEndpoints(Directory directory, StandInState state, RateLimiter rateLimiter, Json json, Urls urls) {
        this.directory = directory;
        this.state = state;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.urls = urls;
    }

    /** Why a request stops before its endpoint runs. */
    private static final class Refusal extends Exception {
        final transient StandInResponse response;

        Refusal(StandInResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    StandInResponse handle(StandInRequest request) {
        Optional<ApiRoutes.Match> match = ApiRoutes.resolve(request.path());
        String bearer = bearerToken(request);
        StandInState.TokenLookup lookup = bearer == null ? null : state.authenticate(bearer, request.origin());
        StandInState.ApiToken token = null;
        Refusal authFailure = null;
        try {
            token = authenticated(lookup, match);
        } catch (Refusal refusal) {
            authFailure = refusal;
        }
        // src/sentry/middleware/auth.py: a token that fails authentication leaves the caller anonymous, so it is
        // limited by address; src/sentry/ratelimits/utils.py: OAuth tokens by their user, integration tokens by
        // their organization.
        String key;
        if (token == null) {
            key = RateLimiter.key("ip", request.remoteAddress(), view(match), request.method());
        } else if (token.orgScoped()) {
            key = RateLimiter.key("user", token.userId(), view(match), request.method());
        } else {
            key = RateLimiter.key("org", token.orgId(), view(match), request.method());
        }
        Settings settings = state.settings();
        RateLimiter.Window window = rateLimiter.hit(key, settings.rateLimit(), settings.rateLimitWindowSeconds(),
                state.now());
        try {
            StandInResponse response;
            if (window.limited()) {
                response = json(429, RateLimiter.tooFrequentBody(settings.rateLimitBody(), window.limit(),
                        window.windowSeconds()));
            } else if (authFailure != null) {
                response = authFailure.response;
            } else {
                response = route(request, match, token);
            }
            return response.withHeaders(window.headers());
        } finally {
            rateLimiter.finish(key);
        }
    }

    private static String view(Optional<ApiRoutes.Match> match) {
        return match.map(m -> m.route().name()).orElse(CATCHALL);
    }

    private StandInResponse route(StandInRequest request, Optional<ApiRoutes.Match> found,
                                  @Nullable StandInState.ApiToken token) {
        try {
            if (found.isEmpty() || !found.get().route().servedAt(request.origin())) {
                return detail(404, NOT_FOUND);
            }
            ApiRoutes.Match match = found.get();
            return switch (match.route().name()) {
                case "sentry-api-index" -> index(request, token);
                case ApiRoutes.ORGANIZATIONS -> organizations(request, token);
                case "sentry-api-0-user-regions" -> "me".equals(match.group("user"))
                        ? regions(request, token) : detail(404, NOT_FOUND);
                case "sentry-api-0-organization-details" -> organization(request, token, match.organization());
                case "sentry-api-0-organization-projects" -> projects(request, token, match.organization());
                case "sentry-api-0-project-group-index" ->
                        projectIssues(request, token, match.organization(), match.group("project"));
                case "sentry-api-0-organization-group-group-details" ->
                        issue(request, token, match.organization(), match.group("issue"));
                case "sentry-api-0-group-details" -> issue(request, token, null, match.group("issue"));
                default -> detail(404, NOT_FOUND);
            };
        } catch (Refusal refusal) {
            return refusal.response;
        }
    }

    // --- endpoints ----------------------------------------------------------------------------------------------

    private StandInResponse index(StandInRequest request, @Nullable StandInState.ApiToken token) throws Refusal {
        allowMethods(request, "GET");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "0");
        if (token == null) {
            // Anonymous callers get an answer too, as at sentry.io/api/0/.
            body.put("auth", null);
            body.put("user", null);
        } else {
            body.put("auth", Map.of("scopes", token.scopes()));
            body.put("user", userJson(directory.user(token.userId()).orElseThrow()));
        }
        return ok(body);
    }

    private StandInResponse organizations(StandInRequest request, @Nullable StandInState.ApiToken token) throws Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = requireToken(token);
        requireScope(t, "org:read", "org:write", "org:admin");
        // An org-scoped token sees only its organization; a region lists only what it holds.
        List<Fixtures.Organization> visible = directory.organizationById(t.orgId()).stream()
                .filter(o -> request.origin().isMain() || o.region().equals(request.origin().region()))
                .toList();
        return paginated(request, visible, this::organizationJson);
    }

    private StandInResponse regions(StandInRequest request, @Nullable StandInState.ApiToken token) throws Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = requireToken(token);
        Set<String> names = new TreeSet<>();
        directory.organizationsOf(t.userId()).forEach(o -> names.add(o.region()));
        List<Map<String, Object>> regions = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("name", name);
            region.put("url", Urls.plain(urls.region(name)));
            regions.add(region);
        }
        return ok(Map.of("regions", regions));
    }

    private StandInResponse organization(StandInRequest request, @Nullable StandInState.ApiToken token, String slug)
            throws Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = requireToken(token);
        requireScope(t, "org:read", "org:write", "org:admin");
        Fixtures.Organization org = organizationHere(request, slug);
        requireOwnOrganization(t, org);
        return ok(organizationJson(org));
    }

    private StandInResponse projects(StandInRequest request, @Nullable StandInState.ApiToken token, String slug)
            throws Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = requireToken(token);
        requireScope(t, "org:read", "org:write", "org:admin", "project:read", "project:write", "project:admin");
        Fixtures.Organization org = organizationHere(request, slug);
        requireOwnOrganization(t, org);
        return paginated(request, directory.projectsOf(org.slug()), this::projectJson);
    }

    private StandInResponse projectIssues(StandInRequest request, @Nullable StandInState.ApiToken token,
                                          String orgSlug, String projectSlug) throws Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = requireToken(token);
        requireScope(t, "event:read", "event:write", "event:admin");
        Fixtures.Organization org = organizationHere(request, orgSlug);
        Fixtures.Project project = directory.project(org.slug(), projectSlug)
                .orElseThrow(() -> new Refusal(detail(404, NOT_FOUND)));
        requireOwnOrganization(t, org);
        String query = request.param("query");
        return paginated(request, filter(state.issuesOf(project.id()), query == null ? "is:unresolved" : query),
                this::issueJson);
    }

    /**
     * {@code GroupDetailsEndpoint}, mounted both bare ({@code issues/{id}/}) and under
     * {@code organizations/{org}/issues/{id}/}; under an organization, an issue of another one is not found.
     */
    private StandInResponse issue(StandInRequest request, @Nullable StandInState.ApiToken token,
                                  @Nullable String orgSlug, String id) throws Refusal {
        allowMethods(request, "GET", "PUT");
        StandInState.ApiToken t = requireToken(token);
        boolean write = request.method().equals("PUT");
        if (write) {
            requireScope(t, "event:write", "event:admin");
        } else {
            requireScope(t, "event:read", "event:write", "event:admin");
        }
        Fixtures.Issue issue = state.issue(id).orElseThrow(() -> new Refusal(detail(404, NOT_FOUND)));
        Fixtures.Organization org = organizationOf(issue);
        if (!org.region().equals(request.origin().region()) || (orgSlug != null && !org.slug().equals(orgSlug))) {
            throw new Refusal(detail(404, NOT_FOUND));
        }
        requireOwnOrganization(t, org);
        if (!write) {
            return ok(issueJson(issue));
        }
        Map<String, Object> changes;
        Map<String, List<String>> form = request.form();
        if (!form.isEmpty()) {
            // Django REST framework's default parsers take form-encoded bodies as well as JSON.
            changes = new java.util.LinkedHashMap<>();
            form.forEach((name, values) -> changes.put(name, values.get(0)));
        } else {
            try {
                changes = json.readObject(request.body());
            } catch (IOException | RuntimeException e) {
                return detail(400, "JSON parse error - " + e.getMessage());
            }
        }
        Object status = changes.get("status");
        if (status != null && !ISSUE_STATUSES.contains(status.toString())) {
            return json(400, Map.of("status", List.of("\"" + status + "\" is not a valid choice.")));
        }
        Fixtures.Issue updated = state.updateIssue(id, current -> {
            Fixtures.Issue next = current;
            if (status != null) {
                next = next.withStatus(status.toString().equals("resolvedInNextRelease") ? "resolved" : status.toString());
            }
            boolean bookmarked = changes.get("isBookmarked") instanceof Boolean b ? b : next.isBookmarked();
            boolean seen = changes.get("hasSeen") instanceof Boolean b ? b : next.hasSeen();
            return next.withFlags(bookmarked, seen);
        }).orElseThrow();
        return ok(issueJson(updated));
    }

    // --- checks -------------------------------------------------------------------------------------------------

    /**
     * {@code UserAuthTokenAuthentication.authenticate_token} in {@code src/sentry/api/authentication.py}: the token's
     * own health first ({@code Invalid token}, {@code Token expired}), then, for a token with a scoping
     * organization, the URL: one naming an organization ({@code organization_id_or_slug}) must name the token's
     * organization by its slug (Sentry compares the integer id with the URL's string, so an id never matches, not
     * even the token's own); one naming none must be the organizations list. Sentry's tests:
     * {@code tests/sentry/api/test_authentication.py}, {@code TestOrgScopedAppTokenAuthentication}.
     */
    @Nullable
    private StandInState.ApiToken authenticated(@Nullable StandInState.TokenLookup lookup,
                                                Optional<ApiRoutes.Match> match) throws Refusal {
        if (lookup == null) {
            return null;
        }
        StandInState.ApiToken token = switch (lookup.status()) {
            case VALID -> lookup.token();
            case EXPIRED -> throw new Refusal(unauthorized("Token expired"));
            case UNKNOWN -> throw new Refusal(unauthorized("Invalid token"));
        };
        if (!token.orgScoped()) {
            return token;
        }
        Fixtures.Organization org = directory.organizationById(token.orgId())
                .orElseThrow(() -> new Refusal(unauthorized("Cannot resolve organization from token.")));
        String named = match.map(ApiRoutes.Match::organization).orElse(null);
        if (named != null) {
            if (!org.slug().equals(named)) {
                throw new Refusal(unauthorized(UNAUTHORIZED_ORGANIZATION));
            }
        } else if (match.isEmpty() || !match.get().route().name().equals(ApiRoutes.ORGANIZATIONS)) {
            throw new Refusal(unauthorized(ORGANIZATION_ENDPOINTS_ONLY));
        }
        return token;
    }

    private StandInState.ApiToken requireToken(@Nullable StandInState.ApiToken token) throws Refusal {
        if (token == null) {
            throw new Refusal(unauthorized("Authentication credentials were not provided."));
        }
        return token;
    }

    private void requireScope(StandInState.ApiToken token, String... anyOf) throws Refusal {
        if (!Scopes.allowsAny(token.scopes(), anyOf)) {
            throw new Refusal(detail(403, FORBIDDEN));
        }
    }

    /** An org-scoped token is refused on every other organization, member or not. */
    private void requireOwnOrganization(StandInState.ApiToken token, Fixtures.Organization org) throws Refusal {
        if (!token.orgId().equals(org.id()) || !directory.isMember(token.userId(), org.id())) {
            throw new Refusal(detail(403, FORBIDDEN));
        }
    }

    private Fixtures.Organization organizationHere(StandInRequest request, String slug) throws Refusal {
        return directory.organization(slug)
                .filter(o -> o.region().equals(request.origin().region()))
                .orElseThrow(() -> new Refusal(detail(404, NOT_FOUND)));
    }

    private Fixtures.Organization organizationOf(Fixtures.Issue issue) {
        Fixtures.Project project = directory.projectById(issue.projectId()).orElseThrow();
        return directory.organization(project.orgSlug()).orElseThrow();
    }

    private void allowMethods(StandInRequest request, String... methods) throws Refusal {
        if (!Arrays.asList(methods).contains(request.method())) {
            throw new Refusal(detail(405, "Method \"" + request.method() + "\" not allowed.")
                    .withHeader("Allow", String.join(", ", methods)));
        }
    }

    // --- pagination ---------------------------------------------------------------------------------------------

    /**
     * Sentry's cursor pagination: {@code value:offset:is_prev} cursors and a {@code Link} header with a previous
     * and a next link, each saying whether it has results. {@code per_page} may ask for fewer than 100 per page.
     */
    private <T> StandInResponse paginated(StandInRequest request, List<T> all, Function<T, Map<String, Object>> view)
            throws Refusal {
        int perPage = MAX_PER_PAGE;
        String perPageParam = request.param("per_page");
        if (perPageParam != null) {
            try {
                perPage = Integer.parseInt(perPageParam);
            } catch (NumberFormatException e) {
                throw new Refusal(detail(400, "Invalid per_page parameter."));
            }
            if (perPage > MAX_PER_PAGE) {
                throw new Refusal(detail(400, "Invalid per_page parameter. Max is " + MAX_PER_PAGE));
            }
            if (perPage < 1) {
                throw new Refusal(detail(400, "Invalid per_page parameter."));
            }
        }
        int offset = 0;
        String cursor = request.param("cursor");
        if (cursor != null && !cursor.isEmpty()) {
            var m = CURSOR.matcher(cursor);
            if (!m.matches()) {
                throw new Refusal(detail(400, "Invalid cursor parameter."));
            }
            offset = Integer.parseInt(m.group(2));
        }
        int from = Math.min(offset, all.size());
        int to = Math.min(offset + perPage, all.size());
        List<Map<String, Object>> page = all.subList(from, to).stream().map(view).toList();

        String base = Urls.plain(urls.of(request.origin())) + request.path() + "?" + queryWithoutCursor(request.rawQuery());
        String previous = "0:" + Math.max(0, offset - perPage) + ":1";
        String next = "0:" + (offset + perPage) + ":0";
        String link = link(base, "previous", previous, offset > 0) + ", " + link(base, "next", next, offset + perPage < all.size());
        return ok(page).withHeader("Link", link);
    }

    private static String link(String base, String rel, String cursor, boolean results) {
        return "<" + base + "&cursor=" + cursor + ">; rel=\"" + rel + "\"; results=\"" + results + "\"; cursor=\"" + cursor + "\"";
    }

    private static String queryWithoutCursor(@Nullable String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        return Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.isEmpty() && !p.equals("cursor") && !p.startsWith("cursor="))
                .collect(Collectors.joining("&"));
    }

    /** A small part of Sentry's search syntax: {@code is:<status>} terms and free text on title, culprit, short id. */
    private static List<Fixtures.Issue> filter(List<Fixtures.Issue> issues, String query) {
        Set<String> statuses = new TreeSet<>();
        List<String> words = new ArrayList<>();
        for (String term : query.trim().split("\\s+")) {
            if (term.isEmpty()) {
                continue;
            }
            if (term.startsWith("is:")) {
                statuses.add(term.substring(3));
            } else {
                words.add(term.toLowerCase(Locale.ROOT));
            }
        }
        return issues.stream()
                .filter(i -> statuses.isEmpty() || statuses.contains(i.status()))
                .filter(i -> words.stream().allMatch(w -> (i.title() + " " + i.culprit() + " " + i.shortId())
                        .toLowerCase(Locale.ROOT).contains(w)))
                .toList();
    }

    // --- views --------------------------------------------------------------------------------------------------

    private Map<String, Object> userJson(Fixtures.User user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", user.id());
        m.put("name", user.name());
        m.put("username", user.email());
        m.put("email", user.email());
        m.put("isActive", true);
        return m;
    }

    private Map<String, Object> organizationJson(Fixtures.Organization org) {
        String regionUrl = Urls.plain(urls.region(org.region()));
        Map<String, Object> links = new LinkedHashMap<>();
        // sentry.io answers https://<slug>.sentry.io; the stand-in has no per-organization host names.
        links.put("organizationUrl", regionUrl);
        links.put("regionUrl", regionUrl);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", org.id());
        m.put("slug", org.slug());
        m.put("name", org.name());
        m.put("dateCreated", DATE_CREATED);
        m.put("status", Map.of("id", "active", "name", "active"));
        m.put("isEarlyAdopter", false);
        m.put("require2FA", false);
        m.put("features", List.of());
        m.put("hasAuthProvider", false);
        m.put("links", links);
        return m;
    }

    private Map<String, Object> projectJson(Fixtures.Project project) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", project.id());
        m.put("slug", project.slug());
        m.put("name", project.name());
        m.put("platform", project.platform());
        m.put("dateCreated", DATE_CREATED);
        m.put("isBookmarked", false);
        m.put("isMember", true);
        m.put("hasAccess", true);
        m.put("features", List.of());
        m.put("status", "active");
        return m;
    }

    private Map<String, Object> issueJson(Fixtures.Issue issue) {
        Fixtures.Project project = directory.projectById(issue.projectId()).orElseThrow();
        Fixtures.Organization org = directory.organization(project.orgSlug()).orElseThrow();
        Map<String, Object> projectRef = new LinkedHashMap<>();
        projectRef.put("id", project.id());
        projectRef.put("name", project.name());
        projectRef.put("slug", project.slug());
        projectRef.put("platform", project.platform());
        int colon = issue.title().indexOf(": ");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("type", colon < 0 ? issue.title() : issue.title().substring(0, colon));
        metadata.put("value", colon < 0 ? "" : issue.title().substring(colon + 2));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", issue.id());
        m.put("shortId", issue.shortId());
        m.put("title", issue.title());
        m.put("culprit", issue.culprit());
        m.put("permalink", Urls.plain(urls.region(org.region())) + "/organizations/" + org.slug() + "/issues/" + issue.id() + "/");
        m.put("level", issue.level());
        m.put("status", issue.status());
        m.put("statusDetails", Map.of());
        m.put("isPublic", false);
        m.put("platform", project.platform());
        m.put("project", projectRef);
        m.put("type", "error");
        m.put("metadata", metadata);
        m.put("numComments", 0);
        m.put("assignedTo", null);
        m.put("isBookmarked", issue.isBookmarked());
        m.put("isSubscribed", false);
        m.put("hasSeen", issue.hasSeen());
        m.put("annotations", List.of());
        m.put("issueType", "error");
        m.put("issueCategory", "error");
        m.put("count", Long.toString(issue.count()));
        m.put("userCount", issue.userCount());
        m.put("firstSeen", Times.format(issue.firstSeen()));
        m.put("lastSeen", Times.format(issue.lastSeen()));
        return m;
    }

    // --- plumbing -----------------------------------------------------------------------------------------------

    @Nullable
    private static String bearerToken(StandInRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer", 0, 6)
                || (header.length() > 6 && header.charAt(6) != ' ')) {
            return null;
        }
        return header.substring(6).trim();
    }

    private StandInResponse ok(Object body) {
        return json(200, body);
    }

    private StandInResponse json(int status, Object body) {
        return StandInResponse.json(status, json.write(body));
    }

    private StandInResponse detail(int status, String message) {
        return json(status, Map.of("detail", message));
    }

    /** Every API 401 names the scheme DRF's first authenticator offers. */
    private StandInResponse unauthorized(String message) {
        return detail(401, message).withHeader("WWW-Authenticate", WWW_AUTHENTICATE);
    }
}
