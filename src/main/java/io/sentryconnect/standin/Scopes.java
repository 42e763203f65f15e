package io.sentryconnect.standin;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Sentry's scope vocabulary and its hierarchy: on one resource, {@code admin} includes {@code write} includes {@code read}. */
final class Scopes {

    /** {@code settings.SENTRY_SCOPES}: what any application may ask for at all. */
    static final Set<String> KNOWN = Set.of(
            "org:read", "org:write", "org:admin", "org:integrations",
            "member:read", "member:write", "member:admin", "member:invite",
            "team:read", "team:write", "team:admin",
            "project:read", "project:write", "project:admin", "project:releases", "project:distribution",
            "event:read", "event:write", "event:admin",
            "alerts:read", "alerts:write",
            "openid", "profile", "email");

    private static final List<String> LEVELS = List.of("read", "write", "admin");

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

    static boolean allowsAny(Collection<String> granted, String... anyOf) {
        for (String scope : anyOf) {
            if (allows(granted, scope)) {
                return true;
            }
        }
        return false;
    }
}
