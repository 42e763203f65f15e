package io.sentryconnect.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code sentry-connect.platform.verified-token-cache.*}: the memory of platform JWTs this instance has verified.
 *
 * @param enabled        off: every request's JWT is verified in full (signature, claims), as without the cache
 * @param maxAge         a verified token is verified again after this long at the latest, whatever its {@code exp}
 *                       (bounds how long a signing key withdrawn from a JWKS still counts for a token seen before)
 * @param maximumEntries beyond this many tokens, further ones are verified on every request until entries expire
 */
@ConfigurationProperties("sentry-connect.platform.verified-token-cache")
public record VerifiedTokenCacheProperties(@Bindable(defaultValue = "true") boolean enabled,
                                           @Bindable(defaultValue = "60s") Duration maxAge,
                                           @Bindable(defaultValue = "10000") int maximumEntries) {
}
