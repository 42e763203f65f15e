package io.sentryconnect.sentry.profile;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What is Sentry's and not ours, as data (in the manner of Nango's provider catalogue): where its OAuth endpoints
 * and API live, its data regions, which API URLs name an organization, its rate-limit headers, the messages of its
 * 401s and what each means, and its Account Provisioning API. The code that talks to Sentry reads these facts here;
 * a change on Sentry's side is a change of {@link #SENTRY}. The sources in Sentry's repository are named beside each.
 *
 * @param oauth              the OAuth endpoints under the base URL
 * @param apiRoot            the API's root under a base or region URL ({@code src/sentry/api/urls.py}, {@code /api/0/})
 * @param regions            Sentry SaaS's data regions
 * @param organizationRoutes which API URLs carry an organization
 * @param rateLimit          the rate-limit headers of an API answer
 * @param unauthorized       the 401 messages and what each means
 * @param provisioning       the Account Provisioning API a partner calls
 */
public record SentryProfile(OAuth oauth, String apiRoot, List<Region> regions, OrganizationRoutes organizationRoutes,
                            RateLimitHeaders rateLimit, UnauthorizedMessages unauthorized, Provisioning provisioning) {

    /** Sentry, SaaS or self-hosted (self-hosted has no regions of its own: its base URL is its only one). */
    public static final SentryProfile SENTRY = new SentryProfile(
            // src/sentry/web/frontend/oauth_authorize.py and oauth_token.py; scopes are separated by spaces; a token
            // lives 30 days unless its expiry says otherwise (src/sentry/models/apitoken.py, DEFAULT_EXPIRATION).
            new OAuth("/oauth/authorize/", "/oauth/token/", " ", java.time.Duration.ofDays(30)),
            "api/0/",
            // The names the Account Provisioning API takes, and the API hosts sentry.io names as links.regionUrl.
            List.of(new Region("us", URI.create("https://us.sentry.io")),
                    new Region("de", URI.create("https://de.sentry.io"))),
            // src/sentry/api/urls.py: the routes whose pattern holds organization_id_or_slug, and where.
            new OrganizationRoutes(List.of(
                    new OrganizationRoute("organizations", 1, 2),   // organizations/{org}/…
                    new OrganizationRoute("projects", 1, 3),        // projects/{org}/{project}/…
                    new OrganizationRoute("teams", 1, 3),           // teams/{org}/{team}/…
                    new OrganizationRoute("customers", 1, 2),       // customers/{org}/… (sentry.io billing)
                    new OrganizationRoute("accept-invite", 1, 3)),  // accept-invite/{org}/{member}/{token}/
                    "organizations", "regionUrl"),
            // src/sentry/middleware/ratelimit.py: X-Sentry-Rate-Limit-{Limit,Remaining,Reset,ConcurrentLimit,
            // ConcurrentRemaining}; the reset is in epoch seconds. Sentry sends no Retry-After.
            new RateLimitHeaders("x-sentry-rate-limit-", "X-Sentry-Rate-Limit-Remaining", "X-Sentry-Rate-Limit-Reset"),
            // src/sentry/api/authentication.py, UserAuthTokenAuthentication.authenticate_token and its base class.
            // Its other 401s (a malformed header, "Cannot resolve organization from token.") and DRF's "Authentication
            // credentials were not provided." are not about the token's health: unrecognised, as any unlisted one.
            new UnauthorizedMessages(Map.of(
                    "Unauthorized organization access.", Unauthorized.REQUEST_SCOPE,
                    "This token access is limited to organization endpoints.", Unauthorized.REQUEST_SCOPE,
                    "Invalid token", Unauthorized.UNKNOWN_TOKEN,
                    "Token expired", Unauthorized.TOKEN_FAILURE,
                    "User inactive or deleted", Unauthorized.TOKEN_FAILURE,
                    "UserApplication inactive or deleted", Unauthorized.TOKEN_FAILURE)),
            // Sentry's partner Account Provisioning API: a JSON body, signed with the partner's key.
            new Provisioning("/remote/channel-provision/account/", "X-Request-Signature"));

    /**
     * The OAuth endpoints, as paths under the base URL, how a scope list is written, and an access token's lifetime
     * where an answer names none.
     */
    public record OAuth(String authorizePath, String tokenPath, String scopeSeparator, java.time.Duration defaultTokenLifetime) {
    }

    /** A data region: the name Sentry gives it, and the API host of its silo. */
    public record Region(String name, URI apiUrl) {
    }

    /** The region names, in the profile's order. */
    public List<String> regionNames() {
        return regions.stream().map(Region::name).toList();
    }

    /**
     * A route prefix of Sentry's API whose {@code index}-th segment is the organization, in a path of at least
     * {@code minSegments} segments.
     */
    public record OrganizationRoute(String prefix, int index, int minSegments) {
    }

    /**
     * Which API URLs an org-scoped token may call: the {@link OrganizationRoute}s naming its organization, and the
     * one URL naming none, the organizations list ({@code sentry-api-0-organizations}), whose answer names each
     * organization's region under {@code links.<regionLink>}.
     */
    public record OrganizationRoutes(List<OrganizationRoute> routes, String organizationsList, String regionLink) {
        /** The route whose prefix is a path's first segment. */
        public Optional<OrganizationRoute> routeOf(String firstSegment) {
            for (OrganizationRoute route : routes) {
                if (route.prefix().equals(firstSegment)) {
                    return Optional.of(route);
                }
            }
            return Optional.empty();
        }
    }

    /** The rate-limit headers: every one starts with {@code prefix}; {@code reset} is when the window resets. */
    public record RateLimitHeaders(String prefix, String remaining, String reset) {
        /**
         * Seconds from {@code now} until the window that {@code resetHeader} (epoch seconds) names resets, at least 1;
         * empty when the value is not a number.
         */
        public OptionalLong secondsUntilReset(String resetHeader, Instant now) {
            try {
                return OptionalLong.of(Math.max(1, Long.parseLong(resetHeader.trim()) - now.getEpochSecond()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }

        /** The value of a {@code remaining} header, empty when it is not a number. */
        public OptionalLong remainingOf(String remainingHeader) {
            try {
                return OptionalLong.of(Long.parseLong(remainingHeader.trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }

    /** What a 401 of Sentry's API says about the call. */
    public enum Unauthorized {
        /** The URL is refused for the token's organization; the token itself is fine: no refresh, no revocation. */
        REQUEST_SCOPE,
        /** {@code Invalid token}: revoked, deleted, or not yet replicated to the region (so worth a short wait). */
        UNKNOWN_TOKEN,
        /** Another of Sentry's token failures ({@code Token expired}, …), which a refresh may cure. */
        TOKEN_FAILURE,
        /**
         * No message listed here (none, an HTML or empty body from a proxy in front, a message of a newer Sentry): it
         * says nothing known about the token, so it is no reason to refresh (which rotates the refresh token) or to
         * revoke a grant that has no refresh token.
         */
        UNRECOGNISED
    }

    /**
     * Sentry's {@code detail} messages of a 401; a message not listed (or none) is {@link Unauthorized#UNRECOGNISED}. They are compared
     * without surrounding blanks or a final full stop: Sentry's versions have written "Unauthorized organization
     * access" with and without one, and reading a URL refusal as a token failure would cost a pointless refresh.
     */
    public record UnauthorizedMessages(Map<String, Unauthorized> messages) {
        public UnauthorizedMessages {
            Map<String, Unauthorized> normalized = new java.util.HashMap<>();
            messages.forEach((message, meaning) -> normalized.put(normalize(message), meaning));
            messages = Map.copyOf(normalized);
        }

        public Unauthorized meaningOf(String detail) {
            return detail == null ? Unauthorized.UNRECOGNISED
                    : messages.getOrDefault(normalize(detail), Unauthorized.UNRECOGNISED);
        }

        private static String normalize(String message) {
            String trimmed = message.strip();
            return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        }
    }

    /** The Account Provisioning API: its path under the base URL, and the header its body's signature goes in. */
    public record Provisioning(String path, String signatureHeader) {
    }
}
