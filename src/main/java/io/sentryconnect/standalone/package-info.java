/**
 * The standalone service's entry point (the demo, the sidecar): picks the dev database and starts Micronaut, or runs
 * the one-off {@code reencrypt-tokens} command. Only the runner jar carries it; the plugin jar leaves it out, and no
 * other package imports it.
 */
package io.sentryconnect.standalone;
