package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /oauth/authorize/} and {@code /oauth/token/}, following Sentry's {@code oauth_authorize.py} and
 * {@code oauth_token.py}: the order of checks, the error names and the exact response shapes.
 */
final class OAuthEndpoints {

    private static final String REINITIATE =
            "We were unable to complete your request. Please re-initiate the authorization flow.";
    private static final String NO_ORGANIZATION =
            "This authorization flow is only available for users who are members of an organization.";

    private final Directory directory;
    private final StandInState state;
    private final Json json;

    OAuthEndpoints(Directory directory, StandInState state, Json json) {
        this.directory = directory;
        this.state = state;
        this.json = json;
    }

    // --- /oauth/authorize/ --------------------------------------------------------------------------------------

    StandInResponse authorize(StandInRequest request) {
        return switch (request.method()) {
            case "GET" -> startAuthorization(request);
            case "POST" -> answerConsentPage(request);
            default -> StandInResponse.empty(405).withHeader("Allow", "GET, POST");
        };
    }

    private StandInResponse startAuthorization(StandInRequest request) {
        Optional<Fixtures.OAuthClient> found = blank(request.param("client_id"))
                ? Optional.empty() : directory.client(request.param("client_id"));
        if (found.isEmpty()) {
            return errorPage("Missing or invalid <em>client_id</em> parameter.");
        }
        Fixtures.OAuthClient client = found.get();
        String redirectUri = request.param("redirect_uri");
        if (blank(redirectUri)) {
            // RFC 6749 §3.1.2.3: without redirect_uri only a client with exactly one registered URI may go on.
            if (client.redirectUris().size() != 1) {
                return errorPage("Missing or invalid <em>redirect_uri</em> parameter.");
            }
            redirectUri = client.redirectUris().get(0);
        } else if (!RedirectUris.matchesAny(redirectUri, client.redirectUris())) {
            return errorPage("Missing or invalid <em>redirect_uri</em> parameter.");
        }
        if (!"code".equals(request.param("response_type"))) {
            return errorPage("Missing or invalid <em>response_type</em> parameter.");
        }
        // From here on the redirect URI is trusted, so errors go back to the client.
        String clientState = request.param("state");
        List<String> scopes = splitScopes(request.param("scope"));
        for (String scope : scopes) {
            if (!client.allowedScopes().contains(scope) || !Scopes.KNOWN.contains(scope)) {
                return redirectError(redirectUri, "invalid_scope", clientState);
            }
        }
        String challenge = request.param("code_challenge");
        String method = request.param("code_challenge_method");
        if (challenge != null || method != null) {
            // A challenge without a method means "plain", which Sentry refuses like any method but S256.
            if (!"S256".equals(method) || !Pkce.isWellFormedChallenge(challenge)) {
                return redirectError(redirectUri, "invalid_request", clientState);
            }
        }
        Optional<StandInState.QueuedDecision> decision = state.nextDecision();
        if (decision.isPresent()) {
            return decideAtOnce(decision.get(), client, redirectUri, scopes, clientState, challenge);
        }
        StandInState.PendingAuthorization pending = state.beginConsent(client.clientId(), redirectUri, scopes,
                clientState, challenge);
        return StandInResponse.html(200, AuthorizePage.login(pending, client, directory.users()))
                .withHeader("Cache-Control", "no-store");
    }

    private StandInResponse decideAtOnce(StandInState.QueuedDecision decision, Fixtures.OAuthClient client,
                                         String redirectUri, List<String> scopes, @Nullable String clientState,
                                         @Nullable String challenge) {
        if (!decision.approve()) {
            return redirectError(redirectUri, "access_denied", clientState);
        }
        Optional<Fixtures.User> user = directory.user(decision.userId());
        Optional<Fixtures.Organization> org = directory.organization(decision.orgSlug());
        if (user.isEmpty() || org.isEmpty() || !directory.isMember(user.get().id(), org.get().id())) {
            return redirectError(redirectUri, "unauthorized_client", clientState);
        }
        List<String> granted = decision.grantedScopes() == null
                ? scopes
                : scopes.stream().filter(decision.grantedScopes()::contains).toList();
        String code = state.issueCode(client.clientId(), redirectUri, granted, user.get().id(), org.get().id(), challenge);
        return redirectCode(redirectUri, code, clientState);
    }

    private StandInResponse answerConsentPage(StandInRequest request) {
        Map<String, List<String>> form = request.form();
        Optional<StandInState.PendingAuthorization> found = state.pendingConsent(first(form, "request"));
        if (found.isEmpty()) {
            return errorPage(REINITIATE);
        }
        StandInState.PendingAuthorization pending = found.get();
        Fixtures.OAuthClient client = directory.client(pending.clientId()).orElseThrow();
        String op = first(form, "op");
        if ("login".equals(op)) {
            Optional<Fixtures.User> user = directory.user(first(form, "user_id"));
            if (user.isEmpty()) {
                return errorPage(REINITIATE);
            }
            List<Fixtures.Organization> organizations = directory.organizationsOf(user.get().id());
            if (organizations.isEmpty()) {
                return errorPage(NO_ORGANIZATION);
            }
            state.updateConsent(pending.withUser(user.get().id()));
            return StandInResponse.html(200, AuthorizePage.consent(pending, client, user.get(), organizations))
                    .withHeader("Cache-Control", "no-store");
        }
        if (!"approve".equals(op) && !"deny".equals(op)) {
            return errorPage(REINITIATE);
        }
        if (pending.userId() == null || !pending.userId().equals(first(form, "user_id"))
                || state.finishConsent(pending.id()).isEmpty()) {
            return errorPage(REINITIATE);
        }
        if ("deny".equals(op)) {
            return redirectError(pending.redirectUri(), "access_denied", pending.state());
        }
        String picked = first(form, "org") != null ? first(form, "org") : first(form, "selected_organization_id");
        if (blank(picked)) {
            return redirectError(pending.redirectUri(), "invalid_request", pending.state());
        }
        Optional<Fixtures.Organization> org = directory.organizationById(picked).or(() -> directory.organization(picked));
        if (org.isEmpty() || !directory.isMember(pending.userId(), org.get().id())) {
            return redirectError(pending.redirectUri(), "unauthorized_client", pending.state());
        }
        String code = state.issueCode(pending.clientId(), pending.redirectUri(), pending.scopes(), pending.userId(),
                org.get().id(), pending.codeChallenge());
        return redirectCode(pending.redirectUri(), code, pending.state());
    }

    // --- /oauth/token/ ------------------------------------------------------------------------------------------

    /**
     * {@code OAuthTokenView.post} in {@code src/sentry/web/frontend/oauth_token.py}, in its order: {@code grant_type}
     * first (missing: {@code invalid_request}, unknown: {@code unsupported_grant_type}, whatever the credentials),
     * then the client's credentials (both methods at once: {@code invalid_request}; none, malformed or wrong:
     * {@code invalid_client}), then the grant. Sentry's tests: {@code tests/sentry/web/frontend/test_oauth_token.py}.
     */
    StandInResponse token(StandInRequest request) {
        if (!"POST".equals(request.method())) {
            return StandInResponse.empty(405).withHeader("Allow", "POST");
        }
        Map<String, List<String>> form = request.form();
        String grantType = first(form, "grant_type");
        if (blank(grantType)) {
            return tokenError(400, "invalid_request");
        }
        if (!grantType.equals("authorization_code") && !grantType.equals("refresh_token")) {
            return tokenError(400, "unsupported_grant_type");
        }
        String clientId;
        String clientSecret;
        String authorization = request.header("Authorization");
        String bodyId = first(form, "client_id");
        String bodySecret = first(form, "client_secret");
        boolean bodyCredentials = !blank(bodyId) || !blank(bodySecret);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
                && !authorization.substring(6).isBlank()) {
            if (bodyCredentials) {
                // RFC 6749 §2.3: a client must not use more than one authentication method.
                return tokenError(400, "invalid_request");
            }
            String[] basic = decodeBasic(authorization.substring(6).trim());
            if (basic == null) {
                return tokenError(401, "invalid_client");
            }
            clientId = basic[0];
            clientSecret = basic[1];
        } else {
            clientId = bodyId;
            clientSecret = bodySecret;
        }
        if (blank(clientId) || blank(clientSecret)) {
            return tokenError(401, "invalid_client");
        }
        Optional<Fixtures.OAuthClient> client = directory.client(clientId);
        if (client.isEmpty() || !constantTimeEquals(client.get().clientSecret(), clientSecret)) {
            return tokenError(401, "invalid_client");
        }
        StandInState.TokenOutcome outcome;
        if (grantType.equals("authorization_code")) {
            outcome = state.redeem(first(form, "code"), clientId, first(form, "redirect_uri"), first(form, "code_verifier"));
        } else {
            String refreshToken = first(form, "refresh_token");
            if (blank(refreshToken) || !blank(first(form, "scope"))) {
                return tokenError(400, "invalid_request");
            }
            outcome = state.refresh(refreshToken, clientId);
        }
        if (outcome instanceof StandInState.TokenOutcome.Refused refused) {
            return tokenError(400, refused.error());
        }
        return tokenResponse(((StandInState.TokenOutcome.Issued) outcome).token());
    }

    private StandInResponse tokenResponse(StandInState.ApiToken token) {
        Fixtures.User user = directory.user(token.userId()).orElseThrow();
        Map<String, Object> userJson = new LinkedHashMap<>();
        userJson.put("id", user.id());
        userJson.put("name", user.name());
        userJson.put("email", user.email());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.accessToken());
        body.put("refresh_token", token.refreshToken());
        body.put("expires_in", Math.max(0, Duration.between(state.now(), token.expiresAt()).getSeconds()));
        body.put("expires_at", Times.format(token.expiresAt()));
        body.put("token_type", "Bearer");
        // The token's scopes, which carry the hierarchy added when it was saved (Scopes.withHierarchy).
        body.put("scope", String.join(" ", token.scopes()));
        body.put("user", userJson);
        body.put("organization_id", token.orgId());
        return noStore(StandInResponse.json(200, json.write(body)));
    }

    private StandInResponse tokenError(int status, String error) {
        StandInResponse response = noStore(StandInResponse.json(status, json.write(Map.of("error", error))));
        if (status == 401) {
            response = response.withHeader("WWW-Authenticate", "Basic realm=\"oauth\"");
        }
        return response;
    }

    /** Sentry's {@code never_cache}: token responses must not be cached (RFC 6749 §5.1). */
    private static StandInResponse noStore(StandInResponse response) {
        return response.withHeader("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private");
    }

    /** {@code base64(urlencode(id) ":" urlencode(secret))} as RFC 6749 §2.3.1 asks; null when malformed. */
    @Nullable
    private static String[] decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {FormCodec.decode(decoded.substring(0, colon)), FormCodec.decode(decoded.substring(colon + 1))};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    /** Sentry splits on single spaces, so "a  b" asks for an empty scope, which is then refused as unknown. */
    private static List<String> splitScopes(@Nullable String scope) {
        if (scope == null || scope.isEmpty()) {
            return List.of();
        }
        return List.of(scope.split(" ", -1));
    }

    private static StandInResponse errorPage(String messageHtml) {
        return StandInResponse.html(400, AuthorizePage.error(messageHtml));
    }

    private static StandInResponse redirectError(String redirectUri, String error, @Nullable String clientState) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("state", clientState);
        return StandInResponse.redirect(withQuery(redirectUri, params));
    }

    private static StandInResponse redirectCode(String redirectUri, String code, @Nullable String clientState) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", clientState);
        return StandInResponse.redirect(withQuery(redirectUri, params));
    }

    /** Appends parameters to the redirect URI's own query, leaving out absent ones (no {@code state=None}). */
    static String withQuery(String uri, Map<String, String> params) {
        List<String> pairs = new ArrayList<>();
        params.forEach((k, v) -> {
            if (v != null) {
                pairs.add(FormCodec.encode(k) + "=" + FormCodec.encode(v));
            }
        });
        if (pairs.isEmpty()) {
            return uri;
        }
        return uri + (uri.contains("?") ? "&" : "?") + String.join("&", pairs);
    }

    @Nullable
    static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
