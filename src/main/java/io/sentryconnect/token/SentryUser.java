package io.sentryconnect.token;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.core.annotation.Nullable;

/** The Sentry user who approved an authorization, as the token response names them. */
@Serdeable(naming = SnakeCaseStrategy.class)
@PluginJson
public record SentryUser(String id, @Nullable String name, @Nullable String email) {
}
