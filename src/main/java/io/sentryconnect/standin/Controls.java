package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The {@code /_standin/} controls of {@code docs/standin.md} (JSON in, JSON out), and the same operations as Java methods
 * for tests that hold the stand-in object. Bad input is a 400 {@code {"error": "…"}}.
 */
final class Controls {

    private final Directory directory;
    private final StandInState state;
    private final Faults faults;
    private final RequestLog requestLog;
    private final RateLimiter rateLimiter;
    private final Json json;
    private final ControlViews views;

    Controls(Fixtures fixtures, Directory directory, StandInState state, Faults faults, RequestLog requestLog, RateLimiter rateLimiter,
             Json json, Urls urls) {
        this.directory = directory;
        this.state = state;
        this.faults = faults;
        this.requestLog = requestLog;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.views = new ControlViews(fixtures, directory, state, urls);
    }

    StandInResponse handle(StandInRequest request) {
        String name = request.path().substring("/_standin/".length()).replaceAll("/+$", "");
        String method = request.method();
        try {
            return switch (name + " " + method) {
                case "fixtures GET" -> ok(views.fixturesView());
                case "next-authorization POST" -> nextAuthorization(body(request));
                case "revoke POST" -> {
                    Map<String, Object> body = body(request);
                    boolean integration = body.get("integration") != null && ControlInput.bool(body, "integration");
                    yield ok(Map.of("revoked_tokens", integration ? revokeIntegration(ControlInput.string(body, "org_slug"))
                            : revoke(ControlInput.string(body, "user_id"), ControlInput.string(body, "org_slug"))));
                }
                case "provisioned GET" -> ok(views.provisionedView());
                case "expire POST" -> ok(Map.of("expired_tokens", expire(ControlInput.optionalString(body(request), "org_slug"))));
                case "faults GET" -> ok(Map.of("faults", faults.describe()));
                case "faults POST" -> {
                    faults.add(ControlInput.fault(body(request)));
                    yield ok(Map.of("faults", faults.describe()));
                }
                case "faults DELETE" -> {
                    faults.clear();
                    yield ok(Map.of("faults", List.of()));
                }
                case "requests GET" -> ok(requests(request.param("path_prefix")).stream().map(ControlViews::entryView).toList());
                case "requests DELETE" -> ok(Map.of("cleared", requestLog.clear()));
                case "settings GET" -> ok(ControlViews.settingsView(state.settings()));
                case "settings PUT" -> ok(ControlViews.settingsView(updateSettings(body(request))));
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

    void queue(Consents.QueuedDecision decision) {
        if (decision.approve()) {
            if (decision.userId() == null || directory.users().stream().noneMatch(u -> u.id().equals(decision.userId()))) {
                throw new IllegalArgumentException("user_id must name a seeded or provisioned user");
            }
            if (decision.orgSlug() == null || directory.organization(decision.orgSlug()).isEmpty()) {
                throw new IllegalArgumentException("org_slug must name a seeded or provisioned organization");
            }
        }
        state.consents().enqueue(decision);
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

    /** The organizations created through the Account Provisioning API, with members and projects; no tokens. */
    List<Map<String, Object>> provisionedView() {
        return views.provisionedView();
    }

    void reset() {
        state.reset();
        directory.reset();
        faults.clear();
        requestLog.clear();
        rateLimiter.clear();
    }

    // --- JSON in ------------------------------------------------------------------------------------------------

    private StandInResponse nextAuthorization(Map<String, Object> body) {
        String decision = ControlInput.string(body, "decision");
        if (!decision.equals("approve") && !decision.equals("deny")) {
            throw new IllegalArgumentException("decision must be approve or deny");
        }
        List<String> granted = body.get("granted_scopes") == null ? null : ControlInput.stringList(body, "granted_scopes");
        queue(new Consents.QueuedDecision(decision.equals("approve"), ControlInput.optionalString(body, "user_id"),
                ControlInput.optionalString(body, "org_slug"), granted));
        return ok(Map.of("queued", state.consents().queuedDecisions()));
    }

    private Settings updateSettings(Map<String, Object> body) {
        Settings current = state.settings();
        Settings next = new Settings(
                body.containsKey("access_token_lifetime_s") ? ControlInput.number(body, "access_token_lifetime_s").longValue()
                        : current.accessTokenLifetimeSeconds(),
                body.containsKey("refresh_rotation") ? ControlInput.bool(body, "refresh_rotation") : current.refreshRotation(),
                body.containsKey("rate_limit") ? ControlInput.number(body, "rate_limit").intValue() : current.rateLimit(),
                body.containsKey("rate_limit_window_s") ? ControlInput.number(body, "rate_limit_window_s").intValue()
                        : current.rateLimitWindowSeconds(),
                body.containsKey("rate_limit_body")
                        ? Settings.RateLimitBody.fromJsonName(String.valueOf(body.get("rate_limit_body")))
                        : current.rateLimitBody(),
                body.containsKey("region_replica_lag_ms") ? ControlInput.number(body, "region_replica_lag_ms").longValue()
                        : current.regionReplicaLagMs(),
                body.containsKey("refresh_race_ms") ? ControlInput.number(body, "refresh_race_ms").longValue()
                        : current.refreshRaceMs());
        state.settings(next);
        return next;
    }

    private Map<String, Object> body(StandInRequest request) {
        try {
            return json.readObject(request.body());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
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
