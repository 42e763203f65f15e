/**
 * The OpenAPI document of the plugin's HTTP API: the hand-maintained source of truth
 * ({@code io/sentryconnect/openapi/sentry-connect.yml}), served with this deployment's paths and public URL.
 * Reads the endpoint configuration only; must not touch grants, tokens or Sentry.
 */
package io.sentryconnect.openapi;
