package io.sentryconnect.standin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Sentry's scope vocabulary and its hierarchy: on one resource, {@code admin} includes {@code write} includes {@code read}. */
final class Scopes {

    /** {@code settings.SENTRY_SCOPES}: what any application may ask for at all. */
    static final Set<String> KNOWN = Set.of(
            "org:read", "org:write", "org:admin", "org:integrations", "org:ci",
            "member:read", "member:write", "member:admin", "member:invite",
            "team:read", "team:write", "team:admin",
            "project:read", "project:write", "project:admin", "project:releases", "project:distribution",
            "event:read", "event:write", "event:admin",
            "alerts:read", "alerts:write",
            "openid", "profile", "email");

    private static final List<String> LEVELS = List.of("read", "write", "admin");

    /**
     * What each scope brings with it when a token is saved: Sentry's {@code SENTRY_SCOPE_HIERARCHY_MAPPING}
     * ({@code src/sentry/conf/server.py}). Scopes not listed bring only themselves.
     */
    private static final Map<String, Set<String>> HIERARCHY = Map.ofEntries(
            Map.entry("org:write", Set.of("org:read")),
            Map.entry("org:admin", Set.of("org:read", "org:write", "org:integrations")),
            Map.entry("member:invite", Set.of("member:read")),
            Map.entry("member:write", Set.of("member:read", "member:invite")),
            Map.entry("member:admin", Set.of("member:read", "member:invite", "member:write")),
            Map.entry("team:write", Set.of("team:read")),
            Map.entry("team:admin", Set.of("team:read", "team:write")),
            Map.entry("project:write", Set.of("project:read")),
            Map.entry("project:admin", Set.of("project:read", "project:write")),
            Map.entry("event:write", Set.of("event:read")),
            Map.entry("event:admin", Set.of("event:read", "event:write")),
            Map.entry("alerts:write", Set.of("alerts:read")));

    private Scopes() {
    }

    /** Whether the granted scopes include {@code required}, directly or through a higher level on the same resource. */
    static boolean allows(Collection<String> granted, String required) {
        if (granted.contains(required)) {
            return true;
        }
        int colon = required.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String resource = required.substring(0, colon);
        int level = LEVELS.indexOf(required.substring(colon + 1));
        if (level < 0) {
            return false;
        }
        for (int higher = level + 1; higher < LEVELS.size(); higher++) {
            if (granted.contains(resource + ":" + LEVELS.get(higher))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The scopes with their hierarchy added, sorted: {@code add_scope_hierarchy} in
     * {@code src/sentry/models/apiscopes.py}, which a pre-save signal applies to every {@code ApiToken} (Sentry's
     * test: {@code tests/sentry/models/test_apitoken.py}, {@code test_enforces_scope_hierarchy}).
     */
    static List<String> withHierarchy(Collection<String> scopes) {
        Set<String> all = new TreeSet<>(scopes);
        for (String scope : scopes) {
            all.addAll(HIERARCHY.getOrDefault(scope, Set.of()));
        }
        return List.copyOf(all);
    }

    static boolean allowsAny(Collection<String> granted, String... anyOf) {
        for (String scope : anyOf) {
            if (allows(granted, scope)) {
                return true;
            }
        }
        return false;
    }
}
