package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code /api/0/} endpoints the service uses, with Sentry's checks in Sentry's order: rate limit (429, the
 * middleware runs before the view), authentication (401, including the org-scoped token rule), scope (403), object
 * lookup (404), the token's organization (403). The main origin answers only the control-silo endpoints;
 * organization data is served by the organization's own region origin, and asking a region for an organization it
 * does not hold is a 404, as a region silo answers. Which URL is which lives in {@link ApiRoutes}.
 */
final class ApiEndpoints {
    /** The region sentry.io itself serves region endpoints from: the original, US, one. */
    private static final String MONOLITH_REGION = "us";

    private final Directory directory;
    private final StandInState state;
    private final RateLimiter rateLimiter;
    private final Json json;
    private final Urls urls;
    private final ApiAnswers answers;
    private final ApiAuthentication authentication;
    private final ApiPages pages;
    private final ApiViews views;
    private final ReleaseFileEndpoints releaseFiles;
    private final IssueUpdate issueUpdate;
    private final IssueBulk bulk;
    private final IssueListing issueListing;

    ApiEndpoints(Directory directory, StandInState state, RateLimiter rateLimiter, Json json, Urls urls) {
        this.directory = directory;
        this.state = state;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.urls = urls;
        this.answers = new ApiAnswers(json);
        this.authentication = new ApiAuthentication(directory, answers);
        this.pages = new ApiPages(answers, urls);
        this.views = new ApiViews(directory, urls);
        this.releaseFiles = new ReleaseFileEndpoints(directory, state, answers, authentication, pages);
        this.issueUpdate = new IssueUpdate(directory, answers, views, json);
        this.bulk = new IssueBulk(directory, state, answers, issueUpdate);
        this.issueListing = new IssueListing(answers, pages, views);
    }

    StandInResponse handle(StandInRequest request) {
        if (request.path().startsWith("/api/0/") && !request.path().endsWith("/")) {
            return withoutTrailingSlash(request);
        }
        Optional<ApiRoutes.Match> match = ApiRoutes.resolve(request.path());
        ApiAuthentication.BearerHeader bearer = ApiAuthentication.bearer(request);
        StandInState.TokenLookup lookup = bearer == null || bearer.token() == null ? null
                : state.authenticate(bearer.token(), tokenOrigin(request, match));
        StandInState.ApiToken token = null;
        ApiAnswers.Refusal authFailure = null;
        try {
            if (bearer != null && bearer.problem() != null) {
                throw new ApiAnswers.Refusal(answers.unauthorized(bearer.problem()));
            }
            token = authentication.authenticated(lookup, match);
        } catch (ApiAnswers.Refusal refusal) {
            authFailure = refusal;
        }
        // src/sentry/middleware/auth.py: a token that fails authentication leaves the caller anonymous, so it is
        // limited by address; src/sentry/ratelimits/utils.py, get_rate_limit_key: an ApiToken of a user (every
        // OAuth token) by request_auth.user_id, an integration token (its user is_sentry_app) by its installation's
        // organization.
        ApiRoutes.View view = match.map(m -> m.route().view()).orElse(ApiRoutes.CATCHALL);
        String key;
        if (token == null) {
            key = RateLimiter.key("ip", request.remoteAddress(), view, request.method());
        } else if (token.orgScoped()) {
            key = RateLimiter.key("user", token.userId(), view, request.method());
        } else {
            key = RateLimiter.key("org", token.orgId(), view, request.method());
        }
        StandInState.VersionedSettings versioned = state.versionedSettings();
        Settings settings = versioned.settings();
        RateLimiter.Window window = rateLimiter.hit(key, settings.rateLimit(), settings.rateLimitWindowSeconds(),
                versioned.version(), state.now());
        try {
            StandInResponse response;
            if (window.limited()) {
                response = RateLimiter.tooFrequent(settings.rateLimitBody(), window.limit(), window.windowSeconds(),
                        json.write(RateLimiter.tooFrequentBody(settings.rateLimitBody(), window.limit(), window.windowSeconds())));
            } else if (authFailure != null) {
                response = authFailure.response;
            } else {
                response = route(request, match, token);
            }
            return response.withHeaders(window.headers());
        } finally {
            rateLimiter.finish(key, window);
        }
    }

    /**
     * src/sentry/api/endpoints/catchall.py, CatchallEndpoint.dispatch: every API URL ends in a slash, and a path
     * without one resolves to the catch-all (so Django's APPEND_SLASH has nothing to redirect to), which overrides
     * dispatch: no authentication, no rate limit, a 404 that says so, as JSON {"info": …} when the request's
     * Content-Type is JSON and as plain text otherwise.
     */
    private StandInResponse withoutTrailingSlash(StandInRequest request) {
        String help = "Route not found, did you forget a trailing slash?";
        String suggestion = "try: " + request.path() + "/";
        String contentType = request.header("Content-Type");
        if (contentType != null && contentType.startsWith("application/json")) {
            return answers.json(404, Map.of("info", help + " " + suggestion));
        }
        return StandInResponse.text(404, help + "\n\n" + suggestion + "\n" + " ".repeat(suggestion.length() - 1) + "^\n");
    }

    /**
     * Where the token is looked up: the answering origin, except for the organizations list on the main origin,
     * which sentry.io's API gateway (src/sentry/hybridcloud/apigateway/apigateway.py) hands to the us region, where
     * tokens are read from the replicated copy as at any region (and so may be unknown there for a moment).
     */
    private static Origin tokenOrigin(StandInRequest request, Optional<ApiRoutes.Match> match) {
        boolean organizationsList = match.map(m -> ApiRoutes.ORGANIZATIONS.equals(m.route().name())).orElse(false);
        return request.origin().isMain() && organizationsList ? Origin.region(MONOLITH_REGION) : request.origin();
    }

    private StandInResponse route(StandInRequest request, Optional<ApiRoutes.Match> found,
                                  @Nullable StandInState.ApiToken token) {
        try {
            if (found.isEmpty() || !found.get().route().servedAt(request.origin())) {
                return answers.detail(404, ApiAnswers.NOT_FOUND);
            }
            ApiRoutes.Match match = found.get();
            return switch (match.route().name()) {
                case "sentry-api-index" -> index(request, token);
                case ApiRoutes.ORGANIZATIONS -> organizations(request, token);
                case "sentry-api-0-user-regions" -> "me".equals(match.group("user"))
                        ? regions(request, token) : answers.detail(404, ApiAnswers.NOT_FOUND);
                case "sentry-api-0-organization-details" -> organization(request, token, match.organization());
                case "sentry-api-0-organization-projects" -> projects(request, token, match.organization());
                case "sentry-api-0-organization-group-index" -> {
                    allowMethods(request, "GET", "PUT", "DELETE");
                    yield request.method().equals("GET") ? organizationIssues(request, token, match.organization())
                            : organizationBulk(request, token, match.organization());
                }
                case "sentry-api-0-team-project-index" ->
                        teamProjects(request, token, match.organization(), match.group("team"));
                case "sentry-api-0-project-details" -> projectDetails(request, token, match.organization(), match.group("project"));
                case "sentry-api-0-project-group-index" ->
                        projectIssues(request, token, match.organization(), match.group("project"));
                case "sentry-api-0-organization-group-group-details" ->
                        issue(request, token, match.organization(), match.group("issue"));
                case "sentry-api-0-group-details" -> issue(request, token, null, match.group("issue"));
                case "sentry-api-0-organization-release-files", "sentry-api-0-project-release-files" -> {
                    allowMethods(request, "GET", "POST");
                    yield releaseFiles.handle(request, token, match.organization(),
                            match.route().name().contains("project") ? match.group("project") : null, match.group("version"));
                }
                default -> answers.detail(404, ApiAnswers.NOT_FOUND);
            };
        } catch (ApiAnswers.Refusal refusal) {
            return refusal.response;
        }
    }

    // --- endpoints ----------------------------------------------------------------------------------------------

    private StandInResponse index(StandInRequest request, @Nullable StandInState.ApiToken token) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "0");
        if (token == null) {
            // Anonymous callers get an answer too, as at sentry.io/api/0/.
            body.put("auth", null);
            body.put("user", null);
        } else {
            body.put("auth", Map.of("scopes", token.scopes()));
            body.put("user", views.userJson(directory.user(token.userId()).orElseThrow()));
        }
        return answers.ok(body);
    }

    private StandInResponse organizations(StandInRequest request, @Nullable StandInState.ApiToken token) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, "org:read", "org:write", "org:admin");
        // src/sentry/core/endpoints/organization_index.py, OrganizationIndexEndpoint.get, a region-silo endpoint
        // ("organizations available to the authenticated session in a region"): the organizations this region holds
        // that the token's user is a member of, narrowed to an org-scoped token's organization only when there are
        // several. So a token of another region's organization gets nothing here, or the user's one organization of
        // this region. The main origin answers as sentry.io does for a region endpoint: as the monolith region, us
        // (SENTRY_MONOLITH_REGION).
        String region = request.origin().isMain() ? MONOLITH_REGION : request.origin().region();
        List<Fixtures.Organization> member = directory.organizationsOf(t.userId()).stream()
                .filter(o -> o.region().equals(region))
                .toList();
        if (t.orgScoped() && member.size() > 1) {
            member = member.stream().filter(o -> o.id().equals(t.orgId())).toList();
        }
        member = member.stream().filter(organizationQuery(request.param("query"))).toList();
        // sortBy=members: an OffsetPaginator on -member_count; otherwise a DateTimePaginator on -date_added (all the
        // stand-in's organizations were created at one time, so its cursors are that time with an offset).
        if ("members".equals(request.param("sortBy"))) {
            java.util.function.ToLongFunction<Fixtures.Organization> members = o -> directory.memberships().stream()
                    .filter(m -> m.orgSlug().equals(o.slug())).count();
            List<Fixtures.Organization> byMembers = member.stream()
                    .sorted(java.util.Comparator.comparingLong(members).reversed()).toList();
            return pages.paginate(request, pages.offset(byMembers), views::organizationJson);
        }
        return pages.paginate(request, pages.dateTime(member, o -> ApiViews.DATE_CREATED_AT.toEpochMilli(), false),
                views::organizationJson);
    }

    /**
     * {@code tokenize_query} (src/sentry/search/utils.py): words go to {@code query}; a {@code key:value} term (a colon
     * past the first character, not doubled) to its key; {@code OR} and {@code AND} are dropped. Quotes are not played.
     */
    private static Map<String, List<String>> tokenizeQuery(String query) {
        Map<String, List<String>> tokens = new LinkedHashMap<>();
        for (String token : query.trim().split("\\s+")) {
            if (token.isEmpty() || token.equalsIgnoreCase("OR") || token.equalsIgnoreCase("AND")) {
                continue;
            }
            int colon = token.indexOf(':');
            boolean tag = colon > 0 && token.charAt(0) != '"' && token.charAt(0) != '\''
                    && (colon + 1 >= token.length() || token.charAt(colon + 1) != ':');
            if (tag) {
                tokens.computeIfAbsent(token.substring(0, colon), k -> new ArrayList<>()).add(token.substring(colon + 1));
            } else {
                tokens.computeIfAbsent("query", k -> new ArrayList<>()).add(token);
            }
        }
        return tokens;
    }

    /**
     * {@code OrganizationIndexEndpoint}'s {@code query}: words match the name or slug (or a member's email),
     * {@code slug:} (any case), {@code email:} (a member's), {@code id:} (not a number: Django's uncaught
     * {@code ValueError}, a 500), {@code status:} (every organization here is active; an unknown status finds
     * nothing), {@code member_id:} (membership ids are not modelled: nothing); any other key finds nothing.
     */
    private java.util.function.Predicate<Fixtures.Organization> organizationQuery(@Nullable String query) throws ApiAnswers.Refusal {
        if (query == null || query.isEmpty()) {
            return o -> true;
        }
        java.util.function.Predicate<Fixtures.Organization> all = o -> true;
        for (Map.Entry<String, List<String>> e : tokenizeQuery(query).entrySet()) {
            List<String> values = e.getValue();
            java.util.function.Predicate<Fixtures.Organization> term = switch (e.getKey()) {
                case "query" -> {
                    String text = String.join(" ", values);
                    String lower = text.toLowerCase(java.util.Locale.ROOT);
                    yield o -> o.name().toLowerCase(java.util.Locale.ROOT).contains(lower)
                            || o.slug().toLowerCase(java.util.Locale.ROOT).contains(lower)
                            || hasMemberWithEmail(o, List.of(text));
                }
                case "slug" -> o -> values.stream().anyMatch(o.slug()::equalsIgnoreCase);
                case "email" -> o -> hasMemberWithEmail(o, values);
                case "id" -> {
                    for (String v : values) {
                        if (pythonInt(v) == null) {
                            throw new ApiAnswers.Refusal(answers.internalError());
                        }
                    }
                    yield o -> values.stream().map(ApiEndpoints::pythonInt).anyMatch(o.id()::equals);
                }
                case "status" -> {
                    Set<String> known = Set.of("ACTIVE", "PENDING_DELETION", "DELETION_IN_PROGRESS", "RELOCATION_PENDING_APPROVAL");
                    boolean active = values.stream().allMatch(v -> known.contains(v.toUpperCase(java.util.Locale.ROOT)))
                            && values.stream().anyMatch(v -> v.equalsIgnoreCase("active"));
                    yield o -> active;
                }
                default -> o -> false;
            };
            all = all.and(term);
        }
        return all;
    }

    private boolean hasMemberWithEmail(Fixtures.Organization org, List<String> emails) {
        return directory.memberships().stream().filter(m -> m.orgSlug().equals(org.slug()))
                .map(m -> directory.user(m.userId()).map(Fixtures.User::email).orElse(""))
                .anyMatch(email -> emails.stream().anyMatch(email::equalsIgnoreCase));
    }

    private StandInResponse regions(StandInRequest request, @Nullable StandInState.ApiToken token) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = authentication.requireToken(token);
        Set<String> names = new TreeSet<>();
        directory.organizationsOf(t.userId()).forEach(o -> names.add(o.region()));
        List<Map<String, Object>> regions = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("name", name);
            region.put("url", Urls.plain(urls.region(name)));
            regions.add(region);
        }
        return answers.ok(Map.of("regions", regions));
    }

    private StandInResponse organization(StandInRequest request, @Nullable StandInState.ApiToken token, String slug)
            throws ApiAnswers.Refusal {
        Fixtures.Organization org = readableOrganization(request, token, slug, "org:read", "org:write", "org:admin");
        return answers.ok(views.organizationJson(org));
    }

    /**
     * A {@code GET} of an organization endpoint, checked in Sentry's order: the method, a token, one of the
     * endpoint's scopes (403), the organization in this region (404), then the token's own organization (403).
     */
    private Fixtures.Organization readableOrganization(StandInRequest request, @Nullable StandInState.ApiToken token,
                                                       String slug, String... scopes) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, scopes);
        Fixtures.Organization org = organizationHere(request, slug);
        authentication.requireOwnOrganization(t, org);
        return org;
    }

    /**
     * src/sentry/core/endpoints/organization_projects.py: {@code OrganizationProjectsPermission} asks GET for
     * {@code org:read}, {@code org:write} or {@code org:admin} only (the {@code project:*} scopes are POST's), and
     * {@code OrganizationProjectsEndpoint.get} lists every project of the organization to a user's token, team or
     * not, ordered by slug (after bookmarks, which the stand-in has none of).
     */
    private StandInResponse projects(StandInRequest request, @Nullable StandInState.ApiToken token, String slug)
            throws ApiAnswers.Refusal {
        Fixtures.Organization org = readableOrganization(request, token, slug, "org:read", "org:write", "org:admin");
        String userId = token.userId();
        // statsPeriod and dataset are checked before the list is read.
        String statsPeriod = request.param("statsPeriod");
        if (statsPeriod != null && !Set.of("", "1h", "24h", "7d", "14d", "30d", "90d").contains(statsPeriod)) {
            throw new ApiAnswers.Refusal(statsPeriodError(
                    "Invalid stats_period. Valid choices are '', '1h', '24h', '7d', '14d', '30d', and '90d'"));
        }
        String dataset = request.param("dataset");
        if (dataset != null && !Set.of("", "discover", "metricsEnhanced", "metrics").contains(dataset)) {
            throw new ApiAnswers.Refusal(answers.detail(400, "dataset must be one of: , discover, metricsEnhanced, metrics"));
        }
        List<Fixtures.Project> projects = directory.projectsOf(org.slug()).stream()
                .filter(projectQuery(request.param("query"), userId, org))
                .sorted(java.util.Comparator.comparing(Fixtures.Project::slug)).toList();
        return pages.paginate(request, pages.offset(projects), p -> views.projectJson(p, userId));
    }

    /**
     * {@code OrganizationProjectsEndpoint.get}'s {@code query}, as {@code tokenize_query}
     * (src/sentry/search/utils.py) splits it: words are free text on name or slug, {@code key:value} terms are
     * {@code id} (digits only, else a 400 in the view's stats_period envelope), {@code slug}, {@code team},
     * {@code !team}, {@code is_member} (the user's teams' projects, whatever the value); any other key finds nothing.
     * Values of one key are alternatives, keys all hold. Quoted values are not played.
     */
    private java.util.function.Predicate<Fixtures.Project> projectQuery(@Nullable String query, String userId,
                                                                       Fixtures.Organization org) throws ApiAnswers.Refusal {
        if (query == null || query.isEmpty()) {
            return p -> true;
        }
        Map<String, List<String>> tokens = tokenizeQuery(query);
        java.util.function.Predicate<Fixtures.Project> all = p -> true;
        for (Map.Entry<String, List<String>> e : tokens.entrySet()) {
            List<String> values = e.getValue();
            java.util.function.Predicate<Fixtures.Project> term = switch (e.getKey()) {
                case "query" -> {
                    String text = String.join(" ", values).toLowerCase(java.util.Locale.ROOT);
                    yield p -> p.name().toLowerCase(java.util.Locale.ROOT).contains(text)
                            || p.slug().toLowerCase(java.util.Locale.ROOT).contains(text);
                }
                case "id" -> {
                    if (!values.stream().allMatch(v -> !v.isEmpty() && v.chars().allMatch(Character::isDigit))) {
                        throw new ApiAnswers.Refusal(statsPeriodError("All 'id' values must be integers."));
                    }
                    yield p -> values.contains(p.id());
                }
                case "slug" -> p -> values.contains(p.slug());
                case "team" -> p -> p.teams().stream().anyMatch(values::contains);
                case "!team" -> p -> p.teams().stream().noneMatch(values::contains);
                case "is_member" -> p -> directory.membership(userId, org.slug())
                        .map(m -> m.teams().stream().anyMatch(p.teams()::contains)).orElse(false);
                default -> p -> false;
            };
            all = all.and(term);
        }
        return all;
    }

    /**
     * src/sentry/core/endpoints/team_projects.py, {@code TeamProjectsEndpoint.get}: the projects of the team, by
     * slug. {@code TeamProjectPermission} asks GET for {@code project:read}, {@code project:write} or
     * {@code project:admin}, first of the organization ({@code OrganizationPermission}), then of the team
     * ({@code src/sentry/api/bases/team.py}, {@code TeamPermission.has_object_permission}: {@code has_team_scope},
     * which needs {@code has_team_access}: membership of the team, or global access). An unknown team is a 404
     * ({@code TeamEndpoint.convert_args}).
     */
    private StandInResponse teamProjects(StandInRequest request, @Nullable StandInState.ApiToken token, String orgSlug,
                                         String teamSlug) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, "project:read", "project:write", "project:admin");
        Fixtures.Organization org = organizationHere(request, orgSlug);
        Fixtures.Team team = directory.team(org.slug(), teamSlug)
                .orElseThrow(() -> new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND)));
        authentication.requireOwnOrganization(t, org);
        if (!directory.hasTeamAccess(t.userId(), team)) {
            throw new ApiAnswers.Refusal(answers.detail(403, ApiAnswers.FORBIDDEN));
        }
        String statsPeriod = request.param("statsPeriod");
        if (statsPeriod != null && !Set.of("", "24h", "14d", "30d").contains(statsPeriod)) {
            throw new ApiAnswers.Refusal(statsPeriodError("Invalid stats_period. Valid choices are '', '24h', '14d', and '30d'"));
        }
        List<Fixtures.Project> projects = directory.projectsOfTeam(team).stream()
                .sorted(java.util.Comparator.comparing(Fixtures.Project::slug)).toList();
        return pages.paginate(request, pages.offset(projects), p -> views.projectJson(p, t.userId()));
    }

    /** The projects lists' {@code statsPeriod} refusal, in the nested envelope those two views keep. */
    private StandInResponse statsPeriodError(String message) {
        return answers.json(400, Map.of("error", Map.of("params", Map.of("stats_period", Map.of("message", message)))));
    }

    /**
     * src/sentry/api/bases/project.py, {@code ProjectPermission.has_object_permission} (and {@code GroupPermission}
     * on an issue's project, src/sentry/api/bases/group.py): the scope is not enough, the user must also reach the
     * project ({@code has_project_access}).
     */
    private void requireProjectAccess(StandInState.ApiToken token, Fixtures.Project project) throws ApiAnswers.Refusal {
        if (!directory.hasProjectAccess(token.userId(), project)) {
            throw new ApiAnswers.Refusal(answers.detail(403, ApiAnswers.FORBIDDEN));
        }
    }

    /**
     * src/sentry/core/endpoints/project_details.py, {@code ProjectDetailsEndpoint.get}: {@code RelaxedProjectPermission}
     * asks GET for {@code project:read}, {@code project:write} or {@code project:admin}, and {@code ProjectPermission}
     * (src/sentry/api/bases/project.py) access to the project; an unknown project is a 404
     * ({@code ProjectEndpoint.convert_args}). The answer is {@code DetailedProjectSerializer}'s, of which the stand-in
     * keeps the list's members plus the organization and the teams. Its PUT (settings) and DELETE are not played: 405.
     */
    private StandInResponse projectDetails(StandInRequest request, @Nullable StandInState.ApiToken token,
                                           String orgSlug, String projectSlug) throws ApiAnswers.Refusal {
        allowMethods(request, "GET");
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, "project:read", "project:write", "project:admin");
        Fixtures.Organization org = organizationHere(request, orgSlug);
        Fixtures.Project project = directory.project(org.slug(), projectSlug)
                .orElseThrow(() -> new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND)));
        authentication.requireOwnOrganization(t, org);
        requireProjectAccess(t, project);
        return answers.json(200, views.projectDetailsJson(project, org, t.userId()));
    }

    /**
     * src/sentry/issues/endpoints/project_group_index.py, {@code ProjectGroupIndexEndpoint} with
     * {@code ProjectEventPermission} (src/sentry/api/bases/project.py): GET needs {@code event:read}, {@code event:write}
     * or {@code event:admin}, PUT {@code event:write} or {@code event:admin}, DELETE {@code event:admin} only; every
     * method also needs access to the project. PUT and DELETE are the bulk mutation ({@link IssueBulk}) of this one
     * project.
     */
    private StandInResponse projectIssues(StandInRequest request, @Nullable StandInState.ApiToken token,
                                          String orgSlug, String projectSlug) throws ApiAnswers.Refusal {
        allowMethods(request, "GET", "PUT", "DELETE");
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, eventScopes(request.method()));
        Fixtures.Organization org = organizationHere(request, orgSlug);
        Fixtures.Project project = directory.project(org.slug(), projectSlug)
                .orElseThrow(() -> new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND)));
        authentication.requireOwnOrganization(t, org);
        requireProjectAccess(t, project);
        if (request.method().equals("PUT")) {
            return bulk.put(request, t, org, List.of(project), IssueBulk.Ids.PROJECT);
        }
        if (request.method().equals("DELETE")) {
            return bulk.delete(request, List.of(project));
        }
        issueListing.projectParameters(request);
        return issueListing.list(request, state.issues().issuesOf(project.id()), false);
    }

    /**
     * The scopes {@code OrganizationEventPermission} and {@code ProjectEventPermission} ask of a method
     * (src/sentry/api/bases/organization.py, project.py): reading takes any {@code event:} scope, a change
     * {@code event:write} or {@code event:admin}, a deletion {@code event:admin}.
     */
    private static String[] eventScopes(String method) {
        return switch (method) {
            case "PUT", "POST" -> new String[]{"event:write", "event:admin"};
            case "DELETE" -> new String[]{"event:admin"};
            default -> new String[]{"event:read", "event:write", "event:admin"};
        };
    }

    /**
     * {@code OrganizationGroupIndexEndpoint.put} and {@code .delete}: the checks of the GET in the same order (scope
     * of the method, organization, token's organization), the projects from {@code get_projects} with its 400 and 403,
     * then the bulk mutation ({@link IssueBulk}) over those projects.
     */
    private StandInResponse organizationBulk(StandInRequest request, @Nullable StandInState.ApiToken token, String orgSlug)
            throws ApiAnswers.Refusal {
        StandInState.ApiToken t = authentication.requireToken(token);
        authentication.requireScope(t, eventScopes(request.method()));
        Fixtures.Organization org = organizationHere(request, orgSlug);
        authentication.requireOwnOrganization(t, org);
        List<Fixtures.Project> projects = chosenProjects(request, t.userId(), org);
        return request.method().equals("PUT") ? bulk.put(request, t, org, projects, IssueBulk.Ids.ORGANIZATION)
                : bulk.delete(request, projects);
    }

    /**
     * src/sentry/issues/endpoints/organization_group_index.py, {@code OrganizationGroupIndexEndpoint.get}: the issues
     * of the projects {@code get_projects} chooses (src/sentry/api/bases/organization.py), searched with
     * {@code query} ({@code is:unresolved} unless given: build_query_params_from_request), or exactly the issues
     * named by {@code group} (integers, else 400) among those projects. With no project chosen the answer is
     * {@code []}, before {@code group} is read and without a {@code Link} header.
     */
    private StandInResponse organizationIssues(StandInRequest request, @Nullable StandInState.ApiToken token, String orgSlug)
            throws ApiAnswers.Refusal {
        Fixtures.Organization org = readableOrganization(request, token, orgSlug, "event:read", "event:write", "event:admin");
        issueListing.organizationParameters(request, state.now());
        List<Fixtures.Project> projects = chosenProjects(request, token.userId(), org);
        if (projects.isEmpty()) {
            return answers.ok(List.of());
        }
        List<Fixtures.Issue> issues = new ArrayList<>();
        projects.forEach(project -> issues.addAll(state.issues().issuesOf(project.id())));
        List<String> groupParams = request.params("group");
        if (!groupParams.isEmpty()) {
            Set<String> groups = new java.util.HashSet<>();
            for (String g : groupParams) {
                String id = pythonInt(g);
                if (id == null) {
                    throw new ApiAnswers.Refusal(answers.detail(400, "Group ids must be integers"));
                }
                groups.add(id);
            }
            return answers.ok(issues.stream().filter(i -> groups.contains(i.id())).map(views::issueJson).toList());
        }
        return issueListing.list(request, issues, true);
    }

    /**
     * src/sentry/api/bases/organization.py, {@code OrganizationEndpoint.get_projects} and
     * {@code _filter_projects_by_permissions}: the {@code project} parameters must all be integers
     * ({@code get_requested_project_ids_unchecked}: 400 otherwise). None given: the projects of the user's teams
     * ({@code has_project_membership}; an owner's role does not widen it). {@code -1} among them
     * ({@code ALL_ACCESS_PROJECT_ID}): every project the user can access ({@code has_project_access}: with the
     * organization's open membership or a global role, all of them). Otherwise exactly those ids, each of which the
     * user must be able to access and which must all be the organization's (403 otherwise:
     * {@code _validate_fetched_projects}).
     */
    private List<Fixtures.Project> chosenProjects(StandInRequest request, String userId, Fixtures.Organization org)
            throws ApiAnswers.Refusal {
        Set<String> ids = new java.util.HashSet<>();
        for (String value : request.params("project")) {
            String id = pythonInt(value);
            if (id == null) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Invalid project parameter. Values must be numbers."));
            }
            ids.add(id);
        }
        List<Fixtures.Project> all = directory.projectsOf(org.slug());
        if (ids.contains("-1")) {
            return all.stream().filter(p -> directory.hasProjectAccess(userId, p)).toList();
        }
        if (ids.isEmpty()) {
            return all.stream().filter(p -> directory.hasProjectMembership(userId, p)).toList();
        }
        List<Fixtures.Project> chosen = all.stream()
                .filter(p -> ids.contains(p.id()) && directory.hasProjectAccess(userId, p)).toList();
        if (chosen.size() != ids.size()) {
            throw new ApiAnswers.Refusal(answers.detail(403, ApiAnswers.FORBIDDEN));
        }
        return chosen;
    }

    /**
     * Python's {@code int(str)}, as Sentry parses ids: surrounding white space, a sign and underscores between
     * digits are allowed. The canonical decimal, or null where Python raises {@code ValueError}.
     */
    @Nullable
    static String pythonInt(String value) {
        String v = value.strip();
        if (!v.matches("[+-]?[0-9]+(_[0-9]+)*")) {
            return null;
        }
        return new java.math.BigInteger(v.replace("_", "").replaceFirst("^\\+", "")).toString();
    }

    /**
     * {@code GroupDetailsEndpoint}, mounted both bare ({@code issues/{id}/}) and under
     * {@code organizations/{org}/issues/{id}/}; under an organization, an issue of another one is not found.
     */
    private StandInResponse issue(StandInRequest request, @Nullable StandInState.ApiToken token,
                                  @Nullable String orgSlug, String id) throws ApiAnswers.Refusal {
        allowMethods(request, "GET", "PUT");
        StandInState.ApiToken t = authentication.requireToken(token);
        boolean write = request.method().equals("PUT");
        if (write) {
            authentication.requireScope(t, "event:write", "event:admin");
        } else {
            authentication.requireScope(t, "event:read", "event:write", "event:admin");
        }
        Fixtures.Issue issue = state.issues().issue(id).orElseThrow(() -> new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND)));
        Fixtures.Organization org = organizationOf(issue);
        if (!org.region().equals(request.origin().region()) || (orgSlug != null && !org.slug().equals(orgSlug))) {
            throw new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND));
        }
        authentication.requireOwnOrganization(t, org);
        requireProjectAccess(t, directory.projectById(issue.projectId()).orElseThrow());
        // GroupEndpoint.convert_args: an issue pending deletion is not found, once the permissions have passed.
        if (state.issues().isDeleted(issue.id())) {
            throw new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND));
        }
        if (!write) {
            return answers.ok(views.issueJson(issue));
        }
        // src/sentry/issues/endpoints/group_details.py, GroupDetailsEndpoint.put: request.data.get("discard") first,
        // so a body that is not a JSON object fails there, uncaught (a 500); then update_groups_with_search_fn on
        // this one issue, whose errors are answered as they are, and on success the issue itself, not the delta.
        Object data = issueUpdate.data(request);
        if (!(data instanceof Map<?, ?>)) {
            throw new ApiAnswers.Refusal(answers.internalError());
        }
        Fixtures.Project project = directory.projectById(issue.projectId()).orElseThrow();
        IssueUpdate.Changes changes = issueUpdate.validate(data, org, List.of(project));
        issueUpdate.apply(changes, List.of(issue), List.of(project), t.userId(), state.issues(), true);
        return answers.ok(views.issueJson(state.issues().issue(id).orElseThrow()));
    }

    // --- checks -------------------------------------------------------------------------------------------------

    private Fixtures.Organization organizationHere(StandInRequest request, String slug) throws ApiAnswers.Refusal {
        return directory.organization(slug)
                .filter(o -> o.region().equals(request.origin().region()))
                .orElseThrow(() -> new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND)));
    }

    private Fixtures.Organization organizationOf(Fixtures.Issue issue) {
        Fixtures.Project project = directory.projectById(issue.projectId()).orElseThrow();
        return directory.organization(project.orgSlug()).orElseThrow();
    }

    private void allowMethods(StandInRequest request, String... methods) throws ApiAnswers.Refusal {
        if (!Arrays.asList(methods).contains(request.method())) {
            throw new ApiAnswers.Refusal(answers.detail(405, "Method \"" + request.method() + "\" not allowed.")
                    .withHeader("Allow", String.join(", ", methods)));
        }
    }
}
