package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.Optional;

/**
 * Who an API request is and what it may touch, with Sentry's messages: the bearer token, the org-scoped token's URL
 * rule (401), scopes (403) and the token's own organization (403).
 */
final class ApiAuthentication {
    static final String UNAUTHORIZED_ORGANIZATION = "Unauthorized organization access.";
    static final String ORGANIZATION_ENDPOINTS_ONLY = "This token access is limited to organization endpoints.";

    private final Directory directory;
    private final ApiAnswers answers;

    ApiAuthentication(Directory directory, ApiAnswers answers) {
        this.directory = directory;
        this.answers = answers;
    }

    /**
     * {@code UserAuthTokenAuthentication.authenticate_token} in {@code src/sentry/api/authentication.py}: the token's
     * own health first ({@code Invalid token}, {@code Token expired}), then, for a token with a scoping
     * organization, the URL: one naming an organization ({@code organization_id_or_slug}) must name the token's
     * organization by its slug (Sentry compares the integer id with the URL's string, so an id never matches, not
     * even the token's own); one naming none must be the organizations list. Sentry's tests:
     * {@code tests/sentry/api/test_authentication.py}, {@code TestOrgScopedAppTokenAuthentication}.
     */
    @Nullable
    StandInState.ApiToken authenticated(@Nullable StandInState.TokenLookup lookup,
                                                Optional<ApiRoutes.Match> match) throws ApiAnswers.Refusal {
        if (lookup == null) {
            return null;
        }
        StandInState.ApiToken token = switch (lookup.status()) {
            case VALID -> lookup.token();
            case EXPIRED -> throw new ApiAnswers.Refusal(answers.unauthorized("Token expired"));
            case UNKNOWN -> throw new ApiAnswers.Refusal(answers.unauthorized("Invalid token"));
        };
        // Only a token with a scoping organization meets the URL rule: Sentry tests token.scoping_organization_id,
        // which an integration token lacks (ApiToken.organization_id, which names its installation's, is not what
        // authenticate_token tests).
        if (!token.orgScoped()) {
            return token;
        }
        Fixtures.Organization org = directory.organizationById(token.orgId())
                .orElseThrow(() -> new ApiAnswers.Refusal(answers.unauthorized("Cannot resolve organization from token.")));
        String named = match.map(ApiRoutes.Match::organization).orElse(null);
        if (named != null) {
            if (!org.slug().equals(named)) {
                throw new ApiAnswers.Refusal(answers.unauthorized(UNAUTHORIZED_ORGANIZATION));
            }
        } else if (match.isEmpty() || !match.get().route().name().equals(ApiRoutes.ORGANIZATIONS)) {
            throw new ApiAnswers.Refusal(answers.unauthorized(ORGANIZATION_ENDPOINTS_ONLY));
        }
        return token;
    }

    StandInState.ApiToken requireToken(@Nullable StandInState.ApiToken token) throws ApiAnswers.Refusal {
        if (token == null) {
            throw new ApiAnswers.Refusal(answers.unauthorized("Authentication credentials were not provided."));
        }
        return token;
    }

    void requireScope(StandInState.ApiToken token, String... anyOf) throws ApiAnswers.Refusal {
        if (!Scopes.allowsAny(token.scopes(), anyOf)) {
            throw new ApiAnswers.Refusal(answers.detail(403, ApiAnswers.FORBIDDEN));
        }
    }

    /** An org-scoped token is refused on every other organization, member or not. */
    void requireOwnOrganization(StandInState.ApiToken token, Fixtures.Organization org) throws ApiAnswers.Refusal {
        if (!token.orgId().equals(org.id()) || !directory.isMember(token.userId(), org.id())) {
            throw new ApiAnswers.Refusal(answers.detail(403, ApiAnswers.FORBIDDEN));
        }
    }

    /**
     * The bearer credentials as {@code StandardAuthentication.authenticate} in {@code src/sentry/api/authentication.py}
     * reads them: the header split at whitespace, taken when its first word is {@code bearer} in any case; then
     * exactly one more word. Null when the header is not a bearer header at all (the caller is anonymous then).
     */
    @Nullable
    static BearerHeader bearer(StandInRequest request) {
        String header = request.header("Authorization");
        if (header == null) {
            return null;
        }
        String[] words = header.strip().split("[ \\t\\n\\r\\x0B\\f]+");
        if (words.length == 0 || !words[0].equalsIgnoreCase("bearer")) {
            return null;
        }
        if (words.length == 1) {
            return new BearerHeader(null, "Invalid token header. No credentials provided.");
        }
        if (words.length > 2) {
            return new BearerHeader(null, "Invalid token header. Token string should not contain spaces.");
        }
        return new BearerHeader(words[1], null);
    }

    /** A bearer header: its token, or the message Sentry refuses a malformed one with. */
    record BearerHeader(@Nullable String token, @Nullable String problem) {
    }
}
