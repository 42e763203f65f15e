package io.sentryconnect.openapi;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code sentry-connect.openapi.*}: where the plugin serves its OpenAPI document ({@code path}, default
 * {@code /swagger/sentry-connect-1.yml}) and whether it does ({@code enabled}, default {@code true}).
 */
@ConfigurationProperties("sentry-connect.openapi")
public record OpenApiProperties(@Bindable(defaultValue = "true") boolean enabled,
                                @Bindable(defaultValue = OpenApiDocument.PATH) String path) {
}
