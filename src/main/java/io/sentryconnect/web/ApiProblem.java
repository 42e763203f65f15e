package io.sentryconnect.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every failure an API caller can act on, as an RFC 9457 problem, rendered as {@code application/problem+json} by
 * {@link ApiProblemHandler}; {@code code} (and {@code field} for validation errors) are extension members.
 * A detail never carries a token, a code, a secret or a verifier: build it from identifiers only.
 * Our own type rather than a problem library's: a library's handlers and error processor would take over the host
 * application's errors too.
 */
public final class ApiProblem extends RuntimeException {
    public static final String TYPE_BASE = "https://sentry-connect.io/problems/";

    private final URI type;
    private final String title;
    private final HttpStatus status;
    private final Map<String, Object> parameters;

    private ApiProblem(String code, String title, HttpStatus status, String detail, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.type = URI.create(TYPE_BASE + code);
        this.title = title;
        this.status = status;
        this.parameters = Map.copyOf(withCode(code, extra));
    }

    /** A problem for a status the framework produced (an unknown route, a refused credential, an unreadable body). */
    public static ApiProblem ofStatus(HttpStatus status, String code, String detail) {
        return new ApiProblem(code, status.getReason(), status, detail, Map.of());
    }

    /** The same problem about one request field (for framework errors, where the field is known only afterwards). */
    public ApiProblem withField(String field) {
        Map<String, Object> extra = new LinkedHashMap<>(parameters);
        extra.remove("code");
        extra.put("field", field);
        return new ApiProblem(code(), title, status, getDetail(), extra);
    }

    public URI getType() {
        return type;
    }

    public String getTitle() {
        return title;
    }

    public HttpStatus getStatus() {
        return status;
    }

    public String getDetail() {
        return getMessage();
    }

    /** The extension members, {@code code} among them. */
    public Map<String, Object> getParameters() {
        return parameters;
    }

    private static Map<String, Object> withCode(String code, Map<String, Object> extra) {
        Map<String, Object> parameters = new LinkedHashMap<>(extra);
        parameters.put("code", code);
        return parameters;
    }

    /** A request field is missing or wrong; the problem names it. */
    public static ApiProblem invalidField(String field, String detail) {
        return new ApiProblem("invalid_request", "Invalid request", HttpStatus.BAD_REQUEST, detail, Map.of("field", field));
    }

    /** A request is wrong as a whole. */
    public static ApiProblem badRequest(String code, String detail) {
        return new ApiProblem(code, "Bad request", HttpStatus.BAD_REQUEST, detail, Map.of());
    }

    /** The grant does not exist, or the caller may not see it: the two are indistinguishable on purpose. */
    public static ApiProblem grantNotFound() {
        return new ApiProblem("grant_not_found", "Grant not found", HttpStatus.NOT_FOUND,
                "No grant with this id is visible to the caller.", Map.of());
    }

    /** The caller is authenticated, but its identity names no tenant or user this plugin accepts. */
    public static ApiProblem identityRejected() {
        return new ApiProblem("unauthenticated", "Unauthenticated", HttpStatus.UNAUTHORIZED,
                "The caller's identity names no tenant and user this service accepts (a platform JWT needs the tenant, "
                        + "user and expiry claims, and the configured issuer and audience).", Map.of());
    }

    /** The caller lacks a role this endpoint needs. */
    public static ApiProblem forbidden(String detail) {
        return new ApiProblem("forbidden", "Forbidden", HttpStatus.FORBIDDEN, detail, Map.of());
    }

    /** Sentry rejected the grant for good; the caller should offer reconnect. */
    public static ApiProblem grantRevoked(String grantId, @Nullable String reason, String reconnectUrl) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("grant_id", grantId);
        if (reason != null) {
            extra.put("status_reason", reason);
        }
        extra.put("reconnect", reconnectUrl);
        return new ApiProblem("grant_revoked", "Grant revoked", HttpStatus.CONFLICT,
                "Sentry no longer accepts this grant; the user must reconnect.", extra);
    }

    /** The grant was disconnected: its tokens are gone. */
    public static ApiProblem grantDisconnected(String grantId) {
        return new ApiProblem("grant_disconnected", "Grant disconnected", HttpStatus.CONFLICT,
                "This grant was disconnected; link the organization again.", Map.of("grant_id", grantId));
    }

    /**
     * The path names another organization, or none: the grant's org-scoped token would get a 401 from Sentry there.
     * Nothing was sent; the detail says what to call instead.
     */
    public static ApiProblem outsideGrantOrganization(String orgSlug, String detail) {
        return new ApiProblem("outside_grant_organization", "Outside the grant's organization", HttpStatus.BAD_REQUEST,
                detail, Map.of("field", "path", "organization", orgSlug));
    }

    /**
     * Sentry refused the URL for the grant's org-scoped token ("Unauthorized organization access.", "This token access
     * is limited to organization endpoints."). That says nothing about the token: the grant is unchanged.
     */
    public static ApiProblem organizationScopeRefused(String orgSlug, String sentryMessage) {
        return new ApiProblem("organization_scope_refused", "Refused for the grant's organization", HttpStatus.FORBIDDEN,
                "Sentry refused this URL for the token of organization '" + orgSlug + "' (\"" + sentryMessage
                        + "\"); the grant is unchanged. Call a URL of that organization.", Map.of("organization", orgSlug));
    }

    /**
     * Sentry kept refusing the grant's token (a token-failure 401) after waiting for replication and refreshing, while
     * its token endpoint still accepts the grant: the grant is unchanged, and a later call may succeed.
     */
    public static ApiProblem sentryUnauthorized(String detail) {
        return new ApiProblem("sentry_unauthorized", "Sentry refused the token", HttpStatus.BAD_GATEWAY, detail, Map.of());
    }

    /** Sentry answered with a server error or did not answer in time. */
    public static ApiProblem sentryUnavailable(boolean timeout, String detail) {
        return new ApiProblem(timeout ? "sentry_timeout" : "sentry_unavailable",
                timeout ? "Sentry timed out" : "Sentry unavailable",
                timeout ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY, detail, Map.of());
    }

    /** Sentry's token endpoint rate-limited a needed refresh; {@code retry_after} (and the Retry-After header) says when to retry. */
    public static ApiProblem sentryRateLimited(long retryAfterSeconds) {
        return new ApiProblem("sentry_rate_limited", "Sentry rate limit", HttpStatus.TOO_MANY_REQUESTS,
                "Sentry's token endpoint asked us to slow down; the grant is unchanged. Retry after the given seconds.",
                Map.of("retry_after", retryAfterSeconds));
    }

    /** The caller exceeded one of our own rate limits; {@code retry_after} (and the Retry-After header) says when to retry. */
    public static ApiProblem rateLimited(String detail, long retryAfterSeconds) {
        return new ApiProblem("rate_limited", "Too many requests", HttpStatus.TOO_MANY_REQUESTS, detail,
                Map.of("retry_after", retryAfterSeconds));
    }

    /** The request's content type is one this endpoint cannot pass on. */
    public static ApiProblem unsupportedMediaType(String detail) {
        return new ApiProblem("unsupported_media_type", "Unsupported media type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail, Map.of());
    }

    /** Something broke on our side; the detail says what, without internals. */
    public static ApiProblem internal(String detail) {
        return new ApiProblem("internal_error", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR, detail, Map.of());
    }

    /** Provisioning needs the customer's agreement to Sentry's terms: {@code has_agreed_terms} must be true. */
    public static ApiProblem termsNotAgreed() {
        return new ApiProblem("terms_not_agreed", "Terms not agreed", HttpStatus.BAD_REQUEST,
                "Sentry creates an organization only for a customer who agreed to Sentry's terms of service: "
                        + "send has_agreed_terms: true.", Map.of("field", "has_agreed_terms"));
    }

    /** Sentry refused our partner signature: the channel or secret key we are configured with is wrong. */
    public static ApiProblem partnerSignatureRejected() {
        return new ApiProblem("partner_signature_rejected", "Partner signature rejected", HttpStatus.BAD_GATEWAY,
                "Sentry's Account Provisioning API refused this service's request signature; the operator must check "
                        + "sentry-connect.partner.channel and sentry-connect.partner.secret. Nothing was recorded.", Map.of());
    }

    /** Sentry refused a provisioning request for a reason the caller cannot fix; the detail names what Sentry named. */
    public static ApiProblem provisioningRejected(String detail) {
        return new ApiProblem("provisioning_rejected", "Provisioning rejected by Sentry", HttpStatus.BAD_GATEWAY, detail, Map.of());
    }

    /** Partner provisioning is not configured on this deployment (no channel or secret key). */
    public static ApiProblem provisioningNotConfigured() {
        return new ApiProblem("provisioning_not_configured", "Provisioning not configured", HttpStatus.SERVICE_UNAVAILABLE,
                "This deployment has no Sentry partner channel and secret key (sentry-connect.partner.*).", Map.of());
    }

    /** The tenant has no provisioned Sentry organization yet. */
    public static ApiProblem notProvisioned() {
        return new ApiProblem("not_provisioned", "Not provisioned", HttpStatus.NOT_FOUND,
                "No Sentry organization was provisioned for this tenant.", Map.of());
    }

    /** The machine-readable code, also sent as the {@code code} member. */
    public String code() {
        return String.valueOf(getParameters().get("code"));
    }
}
