package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /_standin/} controls of {@code docs/api.md} (JSON in, JSON out), and the same operations as Java methods
 * for tests that hold the stand-in object. Bad input is a 400 {@code {"error": "…"}}.
 */
final class Controls {

    private final Fixtures fixtures;
    private final Directory directory;
    private final StandInState state;
    private final Faults faults;
    private final RequestLog requestLog;
    private final RateLimiter rateLimiter;
    private final Json json;
    private final Urls urls;

    Controls(Fixtures fixtures, Directory directory, StandInState state, Faults faults, RequestLog requestLog, RateLimiter rateLimiter,
             Json json, Urls urls) {
        this.fixtures = fixtures;
        this.directory = directory;
        this.state = state;
        this.faults = faults;
        this.requestLog = requestLog;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.urls = urls;
    }

    StandInResponse handle(StandInRequest request) {
        String name = request.path().substring("/_standin/".length()).replaceAll("/+$", "");
        String method = request.method();
        try {
            return switch (name + " " + method) {
                case "fixtures GET" -> ok(fixturesView());
                case "next-authorization POST" -> nextAuthorization(body(request));
                case "revoke POST" -> {
                    Map<String, Object> body = body(request);
                    boolean integration = body.get("integration") != null && bool(body, "integration");
                    yield ok(Map.of("revoked_tokens", integration ? revokeIntegration(string(body, "org_slug"))
                            : revoke(string(body, "user_id"), string(body, "org_slug"))));
                }
                case "provisioned GET" -> ok(provisionedView());
                case "expire POST" -> ok(Map.of("expired_tokens", expire(optionalString(body(request), "org_slug"))));
                case "faults GET" -> ok(Map.of("faults", faults.describe()));
                case "faults POST" -> {
                    faults.add(fault(body(request)));
                    yield ok(Map.of("faults", faults.describe()));
                }
                case "faults DELETE" -> {
                    faults.clear();
                    yield ok(Map.of("faults", List.of()));
                }
                case "requests GET" -> ok(requests(request.param("path_prefix")).stream().map(Controls::entryView).toList());
                case "requests DELETE" -> ok(Map.of("cleared", requestLog.clear()));
                case "settings GET" -> ok(settingsView(state.settings()));
                case "settings PUT" -> ok(settingsView(updateSettings(body(request))));
                case "reset POST" -> {
                    reset();
                    yield ok(Map.of("reset", true));
                }
                default -> known(name)
                        ? StandInResponse.json(405, json.write(Map.of("error", "method not allowed")))
                        : StandInResponse.json(404, json.write(Map.of("error", "no such control: " + name)));
            };
        } catch (IllegalArgumentException e) {
            return StandInResponse.json(400, json.write(Map.of("error", String.valueOf(e.getMessage()))));
        }
    }

    // --- the operations, also used directly from Java ---------------------------------------------------------

    void queue(StandInState.QueuedDecision decision) {
        if (decision.approve()) {
            if (decision.userId() == null || directory.users().stream().noneMatch(u -> u.id().equals(decision.userId()))) {
                throw new IllegalArgumentException("user_id must name a seeded or provisioned user");
            }
            if (decision.orgSlug() == null || directory.organization(decision.orgSlug()).isEmpty()) {
                throw new IllegalArgumentException("org_slug must name a seeded or provisioned organization");
            }
        }
        state.enqueue(decision);
    }

    int revoke(String userId, String orgSlug) {
        Fixtures.Organization org = directory.organization(orgSlug)
                .orElseThrow(() -> new IllegalArgumentException("unknown org_slug: " + orgSlug));
        return state.revoke(userId, org.id());
    }

    /** Deletes a provisioned organization's integration token, as uninstalling the integration in Sentry does. */
    int revokeIntegration(String orgSlug) {
        Fixtures.Organization org = directory.organization(orgSlug)
                .orElseThrow(() -> new IllegalArgumentException("unknown org_slug: " + orgSlug));
        Directory.ProvisionedOrganization account = directory.provisionedByOrgId(org.id())
                .orElseThrow(() -> new IllegalArgumentException("org_slug is not a provisioned organization: " + orgSlug));
        return state.revoke(account.proxyUserId(), org.id());
    }

    int expire(@Nullable String orgSlug) {
        if (orgSlug == null) {
            return state.expire(null);
        }
        Fixtures.Organization org = directory.organization(orgSlug)
                .orElseThrow(() -> new IllegalArgumentException("unknown org_slug: " + orgSlug));
        return state.expire(org.id());
    }

    List<RequestLogEntry> requests(@Nullable String pathPrefix) {
        return requestLog.find(pathPrefix);
    }

    void reset() {
        state.reset();
        directory.reset();
        faults.clear();
        requestLog.clear();
        rateLimiter.clear();
    }

    // --- JSON views and parsing ---------------------------------------------------------------------------------

    private StandInResponse nextAuthorization(Map<String, Object> body) {
        String decision = string(body, "decision");
        if (!decision.equals("approve") && !decision.equals("deny")) {
            throw new IllegalArgumentException("decision must be approve or deny");
        }
        List<String> granted = body.get("granted_scopes") == null ? null : stringList(body, "granted_scopes");
        queue(new StandInState.QueuedDecision(decision.equals("approve"), optionalString(body, "user_id"),
                optionalString(body, "org_slug"), granted));
        return ok(Map.of("queued", state.queuedDecisions()));
    }

    private Settings updateSettings(Map<String, Object> body) {
        Settings current = state.settings();
        Settings next = new Settings(
                body.containsKey("access_token_lifetime_s") ? number(body, "access_token_lifetime_s").longValue()
                        : current.accessTokenLifetimeSeconds(),
                body.containsKey("refresh_rotation") ? bool(body, "refresh_rotation") : current.refreshRotation(),
                body.containsKey("rate_limit") ? number(body, "rate_limit").intValue() : current.rateLimit(),
                body.containsKey("rate_limit_window_s") ? number(body, "rate_limit_window_s").intValue()
                        : current.rateLimitWindowSeconds(),
                body.containsKey("rate_limit_body")
                        ? Settings.RateLimitBody.fromJsonName(String.valueOf(body.get("rate_limit_body")))
                        : current.rateLimitBody(),
                body.containsKey("region_replica_lag_ms") ? number(body, "region_replica_lag_ms").longValue()
                        : current.regionReplicaLagMs());
        state.settings(next);
        return next;
    }

    private static Fault fault(Map<String, Object> body) {
        return new Fault(
                string(body, "path_prefix"),
                body.get("status") == null ? 0 : number(body, "status").intValue(),
                body.get("delay_ms") == null ? 0 : number(body, "delay_ms").longValue(),
                body.get("reset") != null && bool(body, "reset"),
                body.get("malformed") != null && bool(body, "malformed"),
                body.get("count") == null ? 1 : number(body, "count").intValue(),
                body.get("detail") == null ? null : string(body, "detail"),
                body.get("content_type") == null ? null : string(body, "content_type"),
                body.get("body") == null ? null : string(body, "body"),
                body.get("location") == null ? null : string(body, "location"));
    }

    static Map<String, Object> settingsView(Settings settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token_lifetime_s", settings.accessTokenLifetimeSeconds());
        m.put("refresh_rotation", settings.refreshRotation());
        m.put("rate_limit", settings.rateLimit());
        m.put("rate_limit_window_s", settings.rateLimitWindowSeconds());
        m.put("rate_limit_body", settings.rateLimitBody().jsonName());
        m.put("region_replica_lag_ms", settings.regionReplicaLagMs());
        return m;
    }

    private static Map<String, Object> entryView(RequestLogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", e.origin());
        m.put("method", e.method());
        m.put("path", e.path());
        m.put("query", e.query());
        m.put("grant_type", e.grantType());
        m.put("status", e.status());
        m.put("time", Times.format(e.time()));
        m.put("fault", e.fault());
        return m;
    }

    private Map<String, Object> fixturesView() {
        List<Map<String, Object>> users = new ArrayList<>();
        for (Fixtures.User u : fixtures.users()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", u.id());
            m.put("name", u.name());
            m.put("email", u.email());
            m.put("organizations", fixtures.organizationsOf(u.id()).stream().map(Fixtures.Organization::slug).toList());
            users.add(m);
        }
        List<Map<String, Object>> orgs = new ArrayList<>();
        for (Fixtures.Organization o : fixtures.organizations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("slug", o.slug());
            m.put("name", o.name());
            m.put("region", o.region());
            m.put("region_url", Urls.plain(urls.region(o.region())));
            orgs.add(m);
        }
        List<Map<String, Object>> memberships = new ArrayList<>();
        for (Fixtures.Membership ms : fixtures.memberships()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", ms.userId());
            m.put("org_slug", ms.orgSlug());
            m.put("role", ms.role());
            memberships.add(m);
        }
        List<Map<String, Object>> projects = new ArrayList<>();
        for (Fixtures.Project p : fixtures.projects()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("org_slug", p.orgSlug());
            m.put("slug", p.slug());
            m.put("name", p.name());
            m.put("platform", p.platform());
            m.put("issue_count", fixtures.issuesOf(p.id()).size());
            projects.add(m);
        }
        List<Map<String, Object>> clients = new ArrayList<>();
        for (Fixtures.OAuthClient c : fixtures.oauthClients()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client_id", c.clientId());
            // A dev-only secret from the fixture file; the service's dev configuration needs it.
            m.put("client_secret", c.clientSecret());
            m.put("name", c.name());
            m.put("redirect_uris", c.redirectUris());
            m.put("allowed_scopes", c.allowedScopes());
            clients.add(m);
        }
        Map<String, Object> regions = new LinkedHashMap<>();
        urls.regions().keySet().stream().sorted().forEach(r -> regions.put(r, Urls.plain(urls.region(r))));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("base_url", Urls.plain(urls.base()));
        view.put("regions", regions);
        view.put("users", users);
        view.put("organizations", orgs);
        view.put("memberships", memberships);
        view.put("projects", projects);
        view.put("oauth_client", clients.get(0));
        view.put("oauth_clients", clients);
        return view;
    }

    /** The organizations created through the Account Provisioning API, with members and projects; no tokens. */
    List<Map<String, Object>> provisionedView() {
        List<Map<String, Object>> view = new ArrayList<>();
        for (Directory.ProvisionedOrganization account : directory.provisioned()) {
            Fixtures.Organization org = directory.organizationById(account.orgId()).orElseThrow();
            Map<String, Object> orgView = new LinkedHashMap<>();
            orgView.put("id", org.id());
            orgView.put("slug", org.slug());
            orgView.put("name", org.name());
            orgView.put("region", org.region());
            orgView.put("region_url", Urls.plain(urls.region(org.region())));
            List<Map<String, Object>> members = new ArrayList<>();
            for (Fixtures.Membership ms : directory.memberships()) {
                if (ms.orgSlug().equals(org.slug()) && !ms.userId().equals(account.proxyUserId())) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("user_id", ms.userId());
                    m.put("email", directory.user(ms.userId()).map(Fixtures.User::email).orElse(null));
                    m.put("role", ms.role());
                    members.add(m);
                }
            }
            List<Map<String, Object>> projects = new ArrayList<>();
            for (Fixtures.Project p : directory.projectsOf(org.slug())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", p.id());
                m.put("slug", p.slug());
                m.put("name", p.name());
                m.put("platform", p.platform());
                m.put("dsn", directory.dsn(p.id()).orElse(null));
                projects.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("channel", account.channel());
            m.put("organization_id", account.partnerOrganizationId());
            m.put("is_test", account.isTest());
            m.put("organization", orgView);
            m.put("integration_user_id", account.proxyUserId());
            m.put("integration_token_active", account.integrationToken() != null
                    && state.authenticate(account.integrationToken()).status() == StandInState.TokenStatus.VALID);
            m.put("members", members);
            m.put("projects", projects);
            view.add(m);
        }
        return view;
    }

    private Map<String, Object> body(StandInRequest request) {
        try {
            return json.readObject(request.body());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
    }

    private static String string(Map<String, Object> body, String key) {
        String value = optionalString(body, key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    @Nullable
    private static String optionalString(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Number) {
            return value.toString();
        }
        throw new IllegalArgumentException(key + " must be a string");
    }

    private static Number number(Map<String, Object> body, String key) {
        if (body.get(key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(key + " must be a number");
    }

    private static boolean bool(Map<String, Object> body, String key) {
        if (body.get(key) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false");
    }

    private static List<String> stringList(Map<String, Object> body, String key) {
        if (body.get(key) instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(key + " must be a list of strings");
    }

    private static boolean known(String name) {
        return List.of("fixtures", "next-authorization", "revoke", "expire", "faults", "requests", "settings", "reset",
                "provisioned")
                .contains(name);
    }

    private StandInResponse ok(Object body) {
        return StandInResponse.json(200, json.write(body));
    }
}
