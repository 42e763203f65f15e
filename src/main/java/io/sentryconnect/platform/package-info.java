/**
 * Who the caller is: the host platform's JWT, verified by micronaut-security-jwt, read as a tenant and a user.
 * Owns no tables and calls no other feature package; the others take a {@link io.sentryconnect.platform.PlatformCaller}.
 */
package io.sentryconnect.platform;
