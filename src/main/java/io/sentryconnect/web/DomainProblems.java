package io.sentryconnect.web;

import io.micronaut.http.HttpStatus;
import io.sentryconnect.Endpoints;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.RetryLater;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.grant.GrantDisconnected;
import io.sentryconnect.grant.GrantRevoked;
import io.sentryconnect.provisioning.TermsNotAgreed;
import io.sentryconnect.sentry.OrganizationScopeRefused;
import io.sentryconnect.sentry.OutsideGrantOrganization;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Map.entry;

/**
 * The one mapping of the plugin's domain exceptions to problem+json: each outcome's code gets its HTTP status and
 * title here, its extension members from the exception's own fields; the detail is the exception's message.
 */
@Singleton
public final class DomainProblems {
    /** A problem's HTTP status and title. */
    record Rendering(HttpStatus status, String title) {
    }

    static final Map<String, Rendering> BY_CODE = Map.ofEntries(
            entry("invalid_request", new Rendering(HttpStatus.BAD_REQUEST, "Invalid request")),
            entry("body_unreadable", new Rendering(HttpStatus.BAD_REQUEST, "Bad request")),
            entry("outside_grant_organization", new Rendering(HttpStatus.BAD_REQUEST, "Outside the grant's organization")),
            entry("terms_not_agreed", new Rendering(HttpStatus.BAD_REQUEST, "Terms not agreed")),
            entry("unauthenticated", new Rendering(HttpStatus.UNAUTHORIZED, "Unauthenticated")),
            entry("forbidden", new Rendering(HttpStatus.FORBIDDEN, "Forbidden")),
            entry("organization_scope_refused", new Rendering(HttpStatus.FORBIDDEN, "Refused for the grant's organization")),
            entry("grant_not_found", new Rendering(HttpStatus.NOT_FOUND, "Grant not found")),
            entry("not_provisioned", new Rendering(HttpStatus.NOT_FOUND, "Not provisioned")),
            entry("grant_revoked", new Rendering(HttpStatus.CONFLICT, "Grant revoked")),
            entry("grant_disconnected", new Rendering(HttpStatus.CONFLICT, "Grant disconnected")),
            entry("rate_limited", new Rendering(HttpStatus.TOO_MANY_REQUESTS, "Too many requests")),
            entry("sentry_rate_limited", new Rendering(HttpStatus.TOO_MANY_REQUESTS, "Sentry rate limit")),
            entry("internal_error", new Rendering(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error")),
            entry("sentry_unauthorized", new Rendering(HttpStatus.BAD_GATEWAY, "Sentry refused the token")),
            entry("sentry_unavailable", new Rendering(HttpStatus.BAD_GATEWAY, "Sentry unavailable")),
            entry("sentry_answer_too_large", new Rendering(HttpStatus.BAD_GATEWAY, "Sentry's answer too large")),
            entry("partner_signature_rejected", new Rendering(HttpStatus.BAD_GATEWAY, "Partner signature rejected")),
            entry("provisioning_rejected", new Rendering(HttpStatus.BAD_GATEWAY, "Provisioning rejected by Sentry")),
            entry("provisioning_not_configured", new Rendering(HttpStatus.SERVICE_UNAVAILABLE, "Provisioning not configured")),
            entry("sentry_timeout", new Rendering(HttpStatus.GATEWAY_TIMEOUT, "Sentry timed out")));

    private final Endpoints endpoints;

    DomainProblems(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** The problem for {@code failure}; an outcome missing from the table is a bug of ours, answered as a 500. */
    public ApiProblem problem(SentryConnectException failure) {
        Rendering rendering = BY_CODE.get(failure.code());
        if (rendering == null) {
            return ApiProblem.of("internal_error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR,
                    "An unexpected error occurred.", Map.of());
        }
        return ApiProblem.of(failure.code(), rendering.title(), rendering.status(), failure.getMessage(), members(failure));
    }

    /** The extension members beside {@code code}: what a client needs to act (the field, when to retry, where to reconnect). */
    private Map<String, Object> members(SentryConnectException failure) {
        Map<String, Object> members = new LinkedHashMap<>();
        if (failure instanceof InvalidRequest invalid) {
            members.put("field", invalid.field());
        } else if (failure instanceof TermsNotAgreed) {
            members.put("field", "has_agreed_terms");
        } else if (failure instanceof OutsideGrantOrganization outside) {
            members.put("field", "path");
            members.put("organization", outside.organization());
        } else if (failure instanceof OrganizationScopeRefused refused) {
            members.put("organization", refused.organization());
        } else if (failure instanceof GrantRevoked revoked) {
            members.put("grant_id", revoked.grantId().toString());
            if (revoked.reason() != null) {
                members.put("status_reason", revoked.reason().value());
            }
            members.put("reconnect", endpoints.url("grants", "/" + revoked.grantId() + "/reconnect"));
        } else if (failure instanceof GrantDisconnected disconnected) {
            members.put("grant_id", disconnected.grantId().toString());
        } else if (failure instanceof RetryLater later) {
            members.put("retry_after", later.retryAfterSeconds());
        }
        return members;
    }
}
