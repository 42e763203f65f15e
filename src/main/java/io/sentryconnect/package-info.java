/**
 * sentry-connect, a Micronaut plugin: Connect to Sentry for a host platform's users. {@code sentry-connect.enabled:
 * false} switches off every bean of it (this package and all below); {@link io.sentryconnect.Endpoints} says where its
 * routes are mounted, {@link io.sentryconnect.SentryConnectProperties} holds the keys without a possible default.
 */
@Configuration
@Requires(property = "sentry-connect.enabled", notEquals = "false")
package io.sentryconnect;

import io.micronaut.context.annotation.Configuration;
import io.micronaut.context.annotation.Requires;
