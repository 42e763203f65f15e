/**
 * The edges of HTTP: problem+json for every API error (one mapping place), readable HTML pages for browser errors.
 * Holds no business rules: feature packages throw {@link io.sentryconnect.web.ApiProblem}s, this package renders them.
 */
package io.sentryconnect.web;
