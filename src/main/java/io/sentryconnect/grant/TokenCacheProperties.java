package io.sentryconnect.grant;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code sentry-connect.token-cache.*}: the in-memory cache of the grants that calls to Sentry read.
 *
 * @param enabled        off: every call reads its grant from the database, as before the cache
 * @param maxStaleness   how long after a change commits another instance may still serve the old grant at worst
 *                       (its change listener has not confirmed it is caught up for that long: then it reads the database)
 * @param heartbeat      how often the change listener confirms that it is caught up
 * @param expireAfter    the backstop: a cached grant is read again after this long whatever the listener says
 * @param maximumEntries beyond this many grants, further ones are not cached (read from the database each call)
 */
@ConfigurationProperties("sentry-connect.token-cache")
public record TokenCacheProperties(@Bindable(defaultValue = "true") boolean enabled,
                                   @Bindable(defaultValue = "500ms") Duration maxStaleness,
                                   @Bindable(defaultValue = "100ms") Duration heartbeat,
                                   @Bindable(defaultValue = "60s") Duration expireAfter,
                                   @Bindable(defaultValue = "100000") int maximumEntries) {
}
