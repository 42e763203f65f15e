package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /oauth/token/}, following Sentry's {@code src/sentry/web/frontend/oauth_token.py}: the order of checks, the
 * error names and the exact response shapes.
 */
final class TokenEndpoint {
    private final Directory directory;
    private final StandInState state;
    private final Json json;

    TokenEndpoint(Directory directory, StandInState state, Json json) {
        this.directory = directory;
        this.state = state;
        this.json = json;
    }

    /**
     * {@code OAuthTokenView.post} in {@code src/sentry/web/frontend/oauth_token.py}, in its order: {@code grant_type}
     * first (missing: {@code invalid_request}, unknown: {@code unsupported_grant_type}, whatever the credentials),
     * then the client's credentials (both methods at once: {@code invalid_request}; none, malformed or wrong:
     * {@code invalid_client}), then the grant. Sentry's tests: {@code tests/sentry/web/frontend/test_oauth_token.py}.
     */
    StandInResponse handle(StandInRequest request) {
        if (!"POST".equals(request.method())) {
            return StandInResponse.empty(405).withHeader("Allow", "POST");
        }
        Map<String, List<String>> form = request.form();
        String grantType = FormCodec.value(form, "grant_type");
        if (blank(grantType)) {
            return tokenError(400, "invalid_request");
        }
        if (!grantType.equals("authorization_code") && !grantType.equals("refresh_token")) {
            return tokenError(400, "unsupported_grant_type");
        }
        String clientId;
        String clientSecret;
        String authorization = request.header("Authorization");
        String bodyId = FormCodec.value(form, "client_id");
        String bodySecret = FormCodec.value(form, "client_secret");
        boolean bodyCredentials = !blank(bodyId) || !blank(bodySecret);
        // Sentry splits the header at its first space and takes it as Basic when the scheme says so and anything,
        // even blanks, follows; the Base64 part is what is left after trimming.
        int space = authorization == null ? -1 : authorization.indexOf(' ');
        if (space > 0 && authorization.substring(0, space).equalsIgnoreCase("basic") && space < authorization.length() - 1) {
            if (bodyCredentials) {
                // RFC 6749 §2.3: a client must not use more than one authentication method.
                return tokenError(400, "invalid_request");
            }
            String[] basic = decodeBasic(authorization.substring(space + 1).strip());
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
            outcome = state.redeem(FormCodec.value(form, "code"), clientId, FormCodec.value(form, "redirect_uri"), FormCodec.value(form, "code_verifier"));
        } else {
            String refreshToken = FormCodec.value(form, "refresh_token");
            if (blank(refreshToken) || !blank(FormCodec.value(form, "scope"))) {
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

    /** Sentry's {@code MAX_BASIC_AUTH_B64_LEN}: a longer Base64 part is refused before decoding. */
    private static final int MAX_BASIC_B64_LENGTH = 4096;
    private static final java.util.regex.Pattern STRICT_BASE64 = java.util.regex.Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    /**
     * {@code base64(id ":" secret)}, read as Sentry reads it: src/sentry/web/frontend/oauth_token.py,
     * {@code _extract_basic_auth_credentials}: at most 4,096 characters, {@code b64decode(validate=True)} (only the
     * Base64 alphabet, padding required), strict UTF-8, then {@code split(":", 1)}, with no URL-decoding (RFC 6749
     * §2.3.1 asks clients to form-encode both; Sentry's hex ids and secrets need none, and a client that encoded a
     * character would be refused there). Null when malformed. Java's own decoder accepts missing padding and
     * replaces bad UTF-8, so both are checked here first.
     */
    @Nullable
    private static String[] decodeBasic(String encoded) {
        if (encoded.length() > MAX_BASIC_B64_LENGTH || encoded.length() % 4 != 0
                || !STRICT_BASE64.matcher(encoded).matches()) {
            return null;
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(encoded)))
                    .toString();
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }
}
