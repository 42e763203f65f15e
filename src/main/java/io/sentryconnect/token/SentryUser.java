package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** The Sentry user who approved an authorization, as the token response names them. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SentryUser(String id, @Nullable String name, @Nullable String email) {
}
