package io.sentryconnect.link;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.Inputs;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantNotFound;
import io.sentryconnect.grant.LinkedAuthorization;
import io.sentryconnect.grant.LinkedGrants;
import io.sentryconnect.grant.OrgMismatchException;
import io.sentryconnect.sentry.OrganizationDiscovery;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryTokenClient;
import io.sentryconnect.token.SentryTokens;
import io.sentryconnect.token.TokenCipher;
import io.sentryconnect.token.TokenRequestFailed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /connect/sentry/callback} (see docs/api.md, step 3): the state is checked and consumed, the code
 * exchanged with its PKCE verifier, the organization discovered, and the grant recorded; every failure sends the
 * browser back to {@code return_to} with its code.
 */
@Singleton
class LinkCallback {
    private static final Logger LOG = LoggerFactory.getLogger(LinkCallback.class);
    /** The longest authorization code sent on to Sentry: eight times the 64 characters of Sentry's own. */
    static final int MAX_CODE = 512;

    private final LinkRepository links;
    private final TokenCipher cipher;
    private final SentryTokenClient tokens;
    private final OrganizationDiscovery discovery;
    private final LinkedGrants grants;
    private final LinkPages pages;
    private final Clock clock;

    LinkCallback(LinkRepository links, TokenCipher cipher, SentryTokenClient tokens, OrganizationDiscovery discovery,
                 LinkedGrants grants, LinkPages pages, @Named(ClockFactory.NAME) Clock clock) {
        this.links = links;
        this.cipher = cipher;
        this.tokens = tokens;
        this.discovery = discovery;
        this.grants = grants;
        this.pages = pages;
        this.clock = clock;
    }

    /** {@code cookies} looks a cookie up by name. */
    BrowserOutcome callback(@Nullable String state, @Nullable String code, @Nullable String error,
                            Function<String, Optional<String>> cookies) {
        if (state == null || state.isBlank()) {
            return pages.page("state_invalid", "This sign-in cannot be completed", "Sentry sent the browser back without the link's state. Start again from the application.");
        }
        byte[] stateHash = Randoms.sha256(Secret.of(state));
        String cookie = LinkPages.cookieName(stateHash);
        Optional<byte[]> binding = cookies.apply(cookie).map(value -> Randoms.sha256(Secret.of(value)));
        // One conditional UPDATE checks and consumes the state (auto-commit): of two callbacks with one state, one goes
        // on. Only when it finds nothing is the state read again, to tell the browser why.
        Optional<LinkRepository.StateRow> consumed = binding.flatMap(hash -> links.consumeState(stateHash, hash));
        if (consumed.isEmpty()) {
            return refused(stateHash, binding, cookie);
        }
        LinkRepository.StateRow row = consumed.get();
        LinkRepository.LinkRequest request = row.request();
        if (error != null) {
            return pages.back(request, "access_denied".equals(error) ? "access_denied" : "authorization_failed", cookie);
        }
        if (code == null || !plausibleCode(code)) {
            return pages.back(request, "authorization_failed", cookie);
        }
        try {
            return complete(request, Secret.of(code), cipher.decrypt(row.codeVerifier(), LinkPages.verifierAd(stateHash)), cookie);
        } catch (RuntimeException e) {
            // Whatever broke (a verifier under a removed key, a database error), the browser goes back with a code.
            LOG.error("Link for tenant {}: callback failed ({})", request.tenantId(), e.getClass().getName());
            return pages.back(request, "internal_error", cookie);
        }
    }

    /**
     * Whether {@code code} could be an authorization code Sentry issued, checked before anything is sent to its token
     * endpoint: Sentry's codes are 64 hex characters (getsentry/sentry's ApiGrant), so printable ASCII without spaces
     * up to {@link #MAX_CODE} leaves room for a change of format but not for a payload.
     */
    static boolean plausibleCode(String code) {
        return !code.isEmpty() && code.length() <= MAX_CODE && Inputs.printableAscii(code);
    }

    /** Why a state could not be consumed: unknown, another browser's (not burnt), used, or expired. */
    private BrowserOutcome refused(byte[] stateHash, Optional<byte[]> binding, String cookie) {
        Optional<LinkRepository.StateRow> found = links.findState(stateHash);
        if (found.isEmpty()) {
            return pages.page("state_invalid", "This sign-in cannot be completed", "The link's state is unknown. Start again from the application.");
        }
        LinkRepository.StateRow row = found.get();
        if (binding.isEmpty() || !MessageDigest.isEqual(binding.get(), row.browserHash())) {
            LOG.warn("Link callback for tenant {} from a browser that did not start it", row.request().tenantId());
            return pages.back(row.request(), "state_invalid");
        }
        if (row.usedAt() == null && !row.expiresAt().isAfter(clock.instant())) {
            return pages.back(row.request(), "state_expired", cookie);
        }
        return pages.back(row.request(), "state_invalid", cookie);
    }

    private BrowserOutcome complete(LinkRepository.LinkRequest request, Secret code, Secret verifier, String cookie) {
        SentryTokens granted;
        try {
            granted = tokens.exchangeCode(code, pages.redirectUri(), verifier);
        } catch (TokenRequestFailed e) {
            boolean unavailable = e.transientFailure();
            LOG.warn("Link for tenant {}: token exchange failed ({}{})", request.tenantId(), e.kind(),
                    e.oauthError() == null ? "" : " " + e.oauthError());
            return pages.back(request, unavailable ? "sentry_unavailable" : "token_exchange_failed", cookie);
        }
        Grant.Organization org;
        try {
            org = discovery.discover(granted.accessToken(), granted.organizationId());
        } catch (OrganizationDiscovery.DiscoveryFailed e) {
            LOG.warn("Link for tenant {}: organization discovery failed: {}", request.tenantId(), e.getMessage());
            return pages.back(request, e.unavailable() ? "sentry_unavailable" : "org_discovery_failed", cookie);
        }
        Grant.SentryUserRef user = granted.user() == null ? null
                : new Grant.SentryUserRef(granted.user().id(), granted.user().name(), granted.user().email());
        LinkedAuthorization link = new LinkedAuthorization(request.tenantId(), request.userId(), org, user, granted);
        Grant grant;
        try {
            grant = request.grantId() == null ? grants.upsertLinked(link) : grants.reconnect(request.grantId(), link);
        } catch (OrgMismatchException e) {
            LOG.info("Reconnect of grant {} picked another organization; grant unchanged", request.grantId());
            return pages.back(request, "org_mismatch", cookie);
        } catch (GrantNotFound e) {
            return pages.back(request, "grant_not_found", cookie);
        } catch (RuntimeException e) {
            LOG.error("Link for tenant {}: the grant could not be recorded ({})", request.tenantId(), e.getClass().getName());
            return pages.back(request, "internal_error", cookie);
        }
        LOG.info("Grant {} {}: tenant {}, user {}, org {}", grant.id(), request.grantId() == null ? "connected" : "reconnected",
                grant.tenantId(), grant.userId(), org.slug());
        pages.counted(request.grantId() == null ? "connected" : "reconnected");
        URI location = QueryUrls.with(request.returnTo(), "sentry_connect", "connected", "grant_id", grant.id().toString());
        return new BrowserOutcome.Redirect(location, List.of(pages.clearBinding(cookie)));
    }
}
