/**
 * The edges of HTTP: problem+json for every API error (one mapping place, {@link io.sentryconnect.web.DomainProblems}),
 * readable HTML pages for browser errors. Holds no business rules: feature packages throw domain exceptions
 * ({@link io.sentryconnect.SentryConnectException}), this package renders them; no feature package imports this one.
 */
package io.sentryconnect.web;
