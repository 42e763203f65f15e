package io.sentryconnect.grant;

import io.sentryconnect.token.SentryTokens;

/**
 * What a completed authorization yields, ready to be recorded as a grant.
 *
 * @param tenantId     the platform tenant
 * @param userId       the platform user
 * @param organization the one organization the token belongs to
 * @param sentryUser   the Sentry user who approved
 * @param tokens       the tokens and granted scopes
 */
public record LinkedAuthorization(String tenantId, String userId, Grant.Organization organization,
                                  Grant.SentryUserRef sentryUser, SentryTokens tokens) {
}
