package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the stand-in remembers, in memory: authorization codes, tokens and settings, and (in their own types)
 * queued consent decisions and consent pages in progress ({@link Consents}) issue changes ({@link IssueChanges}) and
 * uploaded release files ({@link ReleaseFiles}). Redeeming a code and revoking run under this object's monitor, so two
 * concurrent attempts never both win, as Sentry's lock on the grant makes it for codes. A refresh does not: Sentry
 * reads the token row and then writes it without a lock ({@link #refresh}). Reads of the token map need no lock.
 */
final class StandInState {

    /** Sentry's {@code ApiGrant} lifetime. */
    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);

    record AuthorizationCode(String code, String clientId, String redirectUri, List<String> scopes, String userId,
                             String orgId, @Nullable String codeChallenge, Instant expiresAt) {
        @Override
        public String toString() {
            return "AuthorizationCode[code=[redacted], userId=" + userId + ", orgId=" + orgId + "]";
        }
    }

    /**
     * Sentry's {@code ApiToken}: one row holds the access and the refresh token of one authorization. An
     * integration token (Account Provisioning API) has neither a refresh token nor an expiry.
     *
     * @param orgScoped     whether the token has a scoping organization ({@code scoping_organization_id}), which
     *                      every token of the org-level OAuth app has and integration tokens do not
     * @param issuedAtNanos {@link System#nanoTime()} when the row was written, for the region replica lag: real
     *                      elapsed time, not the stand-in's clock, which tests may hold still
     * @param row           the row's primary key: a refresh writes new tokens into the same row
     */
    record ApiToken(String accessToken, @Nullable String refreshToken, String clientId, String userId, String orgId,
                    List<String> scopes, @Nullable Instant expiresAt, boolean orgScoped, long issuedAtNanos, long row) {
        ApiToken withExpiresAt(Instant instant) {
            return new ApiToken(accessToken, refreshToken, clientId, userId, orgId, scopes, instant, orgScoped,
                    issuedAtNanos, row);
        }

        @Override
        public String toString() {
            return "ApiToken[[redacted], userId=" + userId + ", orgId=" + orgId + ", expiresAt=" + expiresAt + "]";
        }
    }

    sealed interface TokenOutcome {
        record Issued(ApiToken token) implements TokenOutcome {
        }

        record Refused(String error) implements TokenOutcome {
        }
    }

    enum TokenStatus { VALID, UNKNOWN, EXPIRED }

    record TokenLookup(TokenStatus status, @Nullable ApiToken token) {
    }

    private final Fixtures fixtures;
    private final Clock clock;

    private final Map<String, AuthorizationCode> codes = new ConcurrentHashMap<>();
    private final Map<String, ApiToken> byAccess = new ConcurrentHashMap<>();
    private final Map<String, ApiToken> byRefresh = new ConcurrentHashMap<>();
    /** What each token row holds now, by its primary key. */
    private final Map<Long, ApiToken> rows = new ConcurrentHashMap<>();
    private final AtomicLong nextRow = new AtomicLong();
    private final Consents consents;
    private final IssueChanges issues;
    private final ReleaseFiles releaseFiles = new ReleaseFiles();
    /** The settings with the number of their version (each change counts one), read and replaced as one value. */
    record VersionedSettings(Settings settings, long version) {
    }

    private volatile VersionedSettings settings = new VersionedSettings(Settings.DEFAULTS, 0);

    StandInState(Fixtures fixtures, Clock clock) {
        this.fixtures = fixtures;
        this.clock = clock;
        this.consents = new Consents(clock);
        this.issues = new IssueChanges(fixtures);
        reset();
    }

    synchronized void reset() {
        codes.clear();
        byAccess.clear();
        byRefresh.clear();
        rows.clear();
        consents.clear();
        issues.reset();
        releaseFiles.reset();
        settings(Settings.DEFAULTS);
    }

    Instant now() {
        return clock.instant();
    }

    /** Queued consent decisions and open consent pages. */
    Consents consents() {
        return consents;
    }

    /** The issues, with the changes made through the API. */
    IssueChanges issues() {
        return issues;
    }

    /** The release files uploaded through the API. */
    ReleaseFiles releaseFiles() {
        return releaseFiles;
    }

    Settings settings() {
        return settings.settings();
    }

    /** The settings and their version, for a reader that must tell an older read from a newer one. */
    VersionedSettings versionedSettings() {
        return settings;
    }

    synchronized void settings(Settings newSettings) {
        settings = new VersionedSettings(newSettings, settings.version() + 1);
    }

    // --- authorization codes and tokens -------------------------------------------------------------------------

    String issueCode(String clientId, String redirectUri, List<String> scopes, String userId, String orgId,
                     @Nullable String codeChallenge) {
        String code = Secrets.token();
        codes.put(code, new AuthorizationCode(code, clientId, redirectUri, List.copyOf(scopes), userId, orgId,
                codeChallenge, now().plus(CODE_LIFETIME)));
        return code;
    }

    /**
     * Exchanges a code. The code is removed before anything is checked: any attempt, failed or not, uses it up,
     * and of two concurrent attempts only the one that removed it can succeed.
     */
    TokenOutcome redeem(@Nullable String code, String clientId, @Nullable String redirectUri,
                        @Nullable String codeVerifier) {
        AuthorizationCode grant = code == null ? null : codes.remove(code);
        if (grant == null || !grant.clientId().equals(clientId) || !now().isBefore(grant.expiresAt())) {
            return new TokenOutcome.Refused("invalid_grant");
        }
        if (!grant.redirectUri().equals(redirectUri)) {
            return new TokenOutcome.Refused("invalid_grant");
        }
        if (grant.codeChallenge() != null && !Pkce.verify(codeVerifier, grant.codeChallenge())) {
            return new TokenOutcome.Refused("invalid_grant");
        }
        return new TokenOutcome.Issued(store(newToken(grant.clientId(), grant.userId(), grant.orgId(), grant.scopes(),
                Secrets.token(), nextRow.incrementAndGet())));
    }

    /**
     * Rotates (or, with rotation off, renews) the row that holds {@code refreshToken}, as Sentry does it: the view
     * reads the row ({@code get_refresh_token} in {@code src/sentry/web/frontend/oauth_token.py}), then
     * {@code ApiToken.refresh} ({@code src/sentry/models/apitoken.py}) writes new values into it by primary key
     * with no lock in between. So concurrent refreshes of one refresh token can all answer 200, each with tokens of
     * its own, and only the last write stays: the others' tokens are dead at once ({@code Invalid token}, then
     * {@code invalid_grant}). A refresh whose row was deleted in between (a revocation) writes nothing (Django's
     * {@code update} matches no row) and still answers 200, with tokens that never worked.
     * {@code refresh_race_ms} widens the window between the read and the write.
     */
    TokenOutcome refresh(String refreshToken, String clientId) {
        ApiToken read = byRefresh.get(refreshToken);
        if (read == null || !read.clientId().equals(clientId)) {
            return new TokenOutcome.Refused("invalid_grant");
        }
        long raceMs = settings().refreshRaceMs();
        if (raceMs > 0) {
            try {
                Thread.sleep(raceMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String nextRefresh = settings().refreshRotation() ? Secrets.token() : read.refreshToken();
        ApiToken next = newToken(read.clientId(), read.userId(), read.orgId(), read.scopes(), nextRefresh, read.row());
        return new TokenOutcome.Issued(overwrite(next));
    }

    /** {@code self.update(...)}: whatever the row holds now is replaced; a deleted row stays deleted. */
    private synchronized ApiToken overwrite(ApiToken next) {
        ApiToken current = rows.get(next.row());
        if (current == null) {
            return next;
        }
        forget(current);
        return store(next);
    }

    private void forget(ApiToken token) {
        byAccess.remove(token.accessToken(), token);
        if (token.refreshToken() != null) {
            byRefresh.remove(token.refreshToken(), token);
        }
        rows.remove(token.row(), token);
    }

    /**
     * An OAuth token: org-scoped, like every token of an org-level application
     * ({@code src/sentry/web/frontend/oauth_token.py} creates it with {@code scoping_organization_id}), with the
     * scope hierarchy added ({@link Scopes#withHierarchy}).
     */
    private ApiToken newToken(String clientId, String userId, String orgId, List<String> scopes, String refreshToken,
                              long row) {
        Instant expiresAt = now().plusSeconds(settings().accessTokenLifetimeSeconds());
        return new ApiToken(Secrets.token(), refreshToken, clientId, userId, orgId, Scopes.withHierarchy(scopes),
                expiresAt, true, System.nanoTime(), row);
    }

    private synchronized ApiToken store(ApiToken token) {
        byAccess.put(token.accessToken(), token);
        if (token.refreshToken() != null) {
            byRefresh.put(token.refreshToken(), token);
        }
        rows.put(token.row(), token);
        return token;
    }

    /**
     * A new integration token of a provisioned organization: it belongs to the integration's proxy user, never
     * expires and has no refresh token, so only a revocation ends it. Not org-scoped: Sentry creates
     * integration-platform tokens without {@code scoping_organization_id}
     * ({@code src/sentry/sentry_apps/installations.py}, {@code SentryAppInstallationTokenCreator._create_api_token};
     * {@code src/sentry/sentry_apps/token_exchange/grant_exchanger.py}, {@code GrantExchanger._create_token}); the
     * proxy user's membership alone confines it to its organization.
     */
    ApiToken issueIntegrationToken(String clientId, String proxyUserId, String orgId, List<String> scopes) {
        return store(new ApiToken(Secrets.token(), null, clientId, proxyUserId, orgId, Scopes.withHierarchy(scopes),
                null, false, System.nanoTime(), nextRow.incrementAndGet()));
    }

    /** The token as the main origin (the control silo) sees it. */
    TokenLookup authenticate(String accessToken) {
        return authenticate(accessToken, Origin.MAIN);
    }

    /**
     * The token as {@code origin} sees it. A region reads a replica ({@code ApiTokenReplica} in
     * {@code src/sentry/api/authentication.py}, {@code _find_or_update_token_by_hash}) that learns of new and
     * refreshed tokens only after {@code region_replica_lag_ms}; until then the token is unknown there.
     */
    TokenLookup authenticate(String accessToken, Origin origin) {
        ApiToken token = byAccess.get(accessToken);
        if (token == null) {
            return new TokenLookup(TokenStatus.UNKNOWN, null);
        }
        long lagNanos = settings().regionReplicaLagMs() * 1_000_000L;
        if (!origin.isMain() && lagNanos > 0 && System.nanoTime() - token.issuedAtNanos() < lagNanos) {
            return new TokenLookup(TokenStatus.UNKNOWN, null);
        }
        if (token.expiresAt() != null && !now().isBefore(token.expiresAt())) {
            return new TokenLookup(TokenStatus.EXPIRED, token);
        }
        return new TokenLookup(TokenStatus.VALID, token);
    }

    /** Deletes the tokens of one user's authorization for one organization, as "revoke" in Sentry's settings does. */
    synchronized int revoke(String userId, String orgId) {
        List<ApiToken> doomed = byAccess.values().stream()
                .filter(t -> t.userId().equals(userId) && t.orgId().equals(orgId))
                .toList();
        doomed.forEach(this::forget);
        return doomed.size();
    }

    /**
     * Makes the current access tokens of an organization (of all, when {@code orgId} is null) expired now.
     * Integration tokens have no expiry and stay as they are.
     */
    synchronized int expire(@Nullable String orgId) {
        Instant now = now();
        List<ApiToken> affected = byAccess.values().stream()
                .filter(t -> orgId == null || t.orgId().equals(orgId))
                .filter(t -> t.expiresAt() != null && now.isBefore(t.expiresAt()))
                .toList();
        affected.forEach(t -> store(t.withExpiresAt(now)));
        return affected.size();
    }
}
