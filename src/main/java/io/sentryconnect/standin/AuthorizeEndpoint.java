package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /oauth/authorize/}, following Sentry's {@code src/sentry/web/frontend/oauth_authorize.py}: the order of
 * checks, the error names, the consent page and the redirects. The token endpoint is {@link TokenEndpoint}'s.
 */
final class AuthorizeEndpoint {

    private static final String REINITIATE =
            "We were unable to complete your request. Please re-initiate the authorization flow.";
    private static final String NO_ORGANIZATION =
            "This authorization flow is only available for users who are members of an organization.";

    private final Directory directory;
    private final StandInState state;

    AuthorizeEndpoint(Directory directory, StandInState state) {
        this.directory = directory;
        this.state = state;
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
        Optional<Consents.QueuedDecision> decision = state.consents().nextDecision();
        if (decision.isPresent()) {
            return decideAtOnce(decision.get(), client, redirectUri, scopes, clientState, challenge);
        }
        Consents.PendingAuthorization pending = state.consents().beginConsent(client.clientId(), redirectUri, scopes,
                clientState, challenge);
        return StandInResponse.html(200, AuthorizePage.login(pending, client, directory.users()))
                .withHeader("Cache-Control", "no-store");
    }

    private StandInResponse decideAtOnce(Consents.QueuedDecision decision, Fixtures.OAuthClient client,
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
        Optional<Consents.PendingAuthorization> found = state.consents().pendingConsent(FormCodec.value(form, "request"));
        if (found.isEmpty()) {
            return errorPage(REINITIATE);
        }
        Consents.PendingAuthorization pending = found.get();
        Fixtures.OAuthClient client = directory.client(pending.clientId()).orElseThrow();
        String op = FormCodec.value(form, "op");
        if ("login".equals(op)) {
            Optional<Fixtures.User> user = directory.user(FormCodec.value(form, "user_id"));
            if (user.isEmpty()) {
                return errorPage(REINITIATE);
            }
            List<Fixtures.Organization> organizations = directory.organizationsOf(user.get().id());
            if (organizations.isEmpty()) {
                return errorPage(NO_ORGANIZATION);
            }
            state.consents().updateConsent(pending.withUser(user.get().id()));
            return StandInResponse.html(200, AuthorizePage.consent(pending, client, user.get(), organizations))
                    .withHeader("Cache-Control", "no-store");
        }
        if (!"approve".equals(op) && !"deny".equals(op)) {
            return errorPage(REINITIATE);
        }
        if (pending.userId() == null || !pending.userId().equals(FormCodec.value(form, "user_id"))
                || state.consents().finishConsent(pending.id()).isEmpty()) {
            return errorPage(REINITIATE);
        }
        if ("deny".equals(op)) {
            return redirectError(pending.redirectUri(), "access_denied", pending.state());
        }
        String picked = FormCodec.value(form, "org") != null ? FormCodec.value(form, "org") : FormCodec.value(form, "selected_organization_id");
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

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }
}
