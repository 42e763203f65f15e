package io.sentryconnect.sentry;

import io.sentryconnect.sentry.profile.SentryProfile;

import java.util.Locale;
import java.util.Optional;

/**
 * Which Sentry API paths an org-scoped token may call, by the routes of {@link SentryProfile#organizationRoutes()}. Every token we hold is scoped to one organization,
 * and Sentry checks the URL against that organization before any endpoint runs: a URL naming another organization
 * (or any numeric id, even the token's own) and a URL naming none (other than the organizations list) answer 401.
 * Sending such a path would only earn a 401 that looks like a token failure, so the guard refuses it first.
 */
final class OrganizationPaths {
    private static final SentryProfile.OrganizationRoutes ROUTES = SentryProfile.SENTRY.organizationRoutes();

    private OrganizationPaths() {
    }

    /**
     * The path to send for a grant of organization {@code orgSlug} (id {@code orgId}): the path itself, or with the
     * grant's own numeric id replaced by its slug (Sentry refuses ids even for the token's own organization).
     *
     * @param path plain segments relative to {@code /api/0/}, already checked by {@link SentryPath}
     * @throws OutsideGrantOrganization naming what to call instead
     */
    static String confine(String path, String orgSlug, String orgId) {
        String[] segments = path.isEmpty() ? new String[0] : stripTrailingSlash(path).split("/", -1);
        if (segments.length == 0) {
            throw outside(orgSlug, "The API index answers 401 to an organization's token; call organizations/"
                    + orgSlug + "/ to look at the grant's organization.");
        }
        if (segments.length == 1 && segments[0].equals(ROUTES.organizationsList())) {
            return path;
        }
        Optional<SentryProfile.OrganizationRoute> route = ROUTES.routeOf(segments[0]);
        if (route.isEmpty() || segments.length < route.get().minSegments()) {
            throw outside(orgSlug, hintFor(segments, orgSlug));
        }
        String named = segments[route.get().index()];
        if (named.equals(orgSlug)) {
            return path;
        }
        if (named.equals(orgId)) {
            segments[route.get().index()] = orgSlug;
            return String.join("/", segments) + (path.endsWith("/") ? "/" : "");
        }
        throw outside(orgSlug, "This grant is for the Sentry organization '" + orgSlug + "'; its token cannot call "
                + "another organization's URL ('" + named + "'). Use a grant of that organization.");
    }

    /** What to call instead of a path that names no organization. */
    private static String hintFor(String[] segments, String orgSlug) {
        String first = segments[0].toLowerCase(Locale.ROOT);
        if ((first.equals("issues") || first.equals("groups")) && segments.length >= 2) {
            return "Sentry answers 401 to an organization's token on " + first + "/{id}/; call organizations/" + orgSlug
                    + "/issues/" + segments[1] + "/ instead.";
        }
        if (first.equals("users")) {
            return "Sentry answers 401 to an organization's token on users/…; call organizations/" + orgSlug
                    + "/members/ or organizations/" + orgSlug + "/ instead.";
        }
        return "Sentry answers 401 to an organization's token on URLs that name no organization; call a URL under "
                + "organizations/" + orgSlug + "/ (or projects/" + orgSlug + "/{project}/) instead.";
    }

    private static String stripTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static OutsideGrantOrganization outside(String orgSlug, String detail) {
        return new OutsideGrantOrganization(orgSlug, detail);
    }
}
