package io.sentryconnect.grant;

import io.sentryconnect.token.StoredTokens;

/**
 * A grant with its decrypted access token: what a call to Sentry needs, read in one round trip. The refresh token is
 * not read with it ({@code tokens.refreshToken()} is null): a refresh reads it under the row lock.
 */
public record GrantWithTokens(Grant grant, StoredTokens tokens) {
}
