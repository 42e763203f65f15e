package io.sentryconnect.web;

import io.micronaut.http.HttpStatus;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.ServiceFailure;
import io.sentryconnect.TestEndpoints;
import io.sentryconnect.grant.GrantDisconnected;
import io.sentryconnect.grant.GrantNotFound;
import io.sentryconnect.grant.GrantRevoked;
import io.sentryconnect.link.LinkRateLimited;
import io.sentryconnect.platform.IdentityRejected;
import io.sentryconnect.platform.TenantAdminRequired;
import io.sentryconnect.provisioning.NotProvisioned;
import io.sentryconnect.provisioning.PartnerSignatureRejected;
import io.sentryconnect.provisioning.ProvisioningNotConfigured;
import io.sentryconnect.provisioning.ProvisioningRejected;
import io.sentryconnect.provisioning.TermsNotAgreed;
import io.sentryconnect.sentry.BodyUnreadable;
import io.sentryconnect.sentry.OrganizationScopeRefused;
import io.sentryconnect.sentry.OutsideGrantOrganization;
import io.sentryconnect.sentry.SentryRateLimited;
import io.sentryconnect.sentry.SentryUnauthorized;
import io.sentryconnect.sentry.SentryUnavailable;
import io.sentryconnect.token.StatusReason;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The web package's one mapping: each domain exception becomes the problem the API has always answered for it. */
@Tag("unit")
class DomainProblemsTest {
    private static final UUID GRANT = UUID.fromString("00000000-0000-0000-0000-000000000042");
    private final DomainProblems problems = new DomainProblems(TestEndpoints.at("https://platform.example/"));

    private record Expected(SentryConnectException failure, int status, String code, Map<String, Object> members) {
    }

    @Test
    void everyDomainExceptionBecomesItsProblemWithStatusCodeDetailAndMembers() {
        Map<String, Object> revoked = new LinkedHashMap<>();
        revoked.put("grant_id", GRANT.toString());
        revoked.put("status_reason", "refresh_rejected");
        revoked.put("reconnect", "https://platform.example/api/v1/grants/" + GRANT + "/reconnect");
        List<Expected> cases = List.of(
                new Expected(new InvalidRequest("limit", "limit is bad."), 400, "invalid_request", Map.of("field", "limit")),
                new Expected(new BodyUnreadable(), 400, "body_unreadable", Map.of()),
                new Expected(new OutsideGrantOrganization("acme", "Call acme."), 400, "outside_grant_organization",
                        Map.of("field", "path", "organization", "acme")),
                new Expected(new TermsNotAgreed(), 400, "terms_not_agreed", Map.of("field", "has_agreed_terms")),
                new Expected(new IdentityRejected(), 401, "unauthenticated", Map.of()),
                new Expected(new TenantAdminRequired("Needs the role."), 403, "forbidden", Map.of()),
                new Expected(new OrganizationScopeRefused("acme", "Unauthorized organization access."), 403,
                        "organization_scope_refused", Map.of("organization", "acme")),
                new Expected(new GrantNotFound(), 404, "grant_not_found", Map.of()),
                new Expected(new NotProvisioned(), 404, "not_provisioned", Map.of()),
                new Expected(new GrantRevoked(GRANT, StatusReason.REFRESH_REJECTED), 409, "grant_revoked", revoked),
                new Expected(new GrantRevoked(GRANT, null), 409, "grant_revoked", Map.of("grant_id", GRANT.toString(),
                        "reconnect", "https://platform.example/api/v1/grants/" + GRANT + "/reconnect")),
                new Expected(new GrantDisconnected(GRANT), 409, "grant_disconnected", Map.of("grant_id", GRANT.toString())),
                new Expected(new LinkRateLimited("Too many.", 17), 429, "rate_limited", Map.of("retry_after", 17L)),
                new Expected(new SentryRateLimited(30), 429, "sentry_rate_limited", Map.of("retry_after", 30L)),
                new Expected(new ServiceFailure("Broke."), 500, "internal_error", Map.of()),
                new Expected(new SentryUnauthorized("Still refused."), 502, "sentry_unauthorized", Map.of()),
                new Expected(new SentryUnavailable(false, "Down."), 502, "sentry_unavailable", Map.of()),
                new Expected(new io.sentryconnect.sentry.SentryAnswerTooLarge(), 502, "sentry_answer_too_large", Map.of()),
                new Expected(new PartnerSignatureRejected(), 502, "partner_signature_rejected", Map.of()),
                new Expected(new ProvisioningRejected("Refused."), 502, "provisioning_rejected", Map.of()),
                new Expected(new ProvisioningNotConfigured(), 503, "provisioning_not_configured", Map.of()),
                new Expected(new SentryUnavailable(true, "Slow."), 504, "sentry_timeout", Map.of()));
        for (Expected expected : cases) {
            ApiProblem problem = problems.problem(expected.failure());
            String name = expected.failure().getClass().getSimpleName();
            assertEquals(HttpStatus.valueOf(expected.status()), problem.getStatus(), name);
            assertEquals(expected.code(), problem.code(), name);
            assertEquals(expected.failure().getMessage(), problem.getDetail(), name);
            assertEquals(ApiProblem.TYPE_BASE + expected.code(), problem.getType().toString(), name);
            Map<String, Object> members = new LinkedHashMap<>(expected.members());
            members.put("code", expected.code());
            assertEquals(members, problem.getParameters(), name);
        }
        assertEquals(DomainProblems.BY_CODE.keySet().size(), cases.stream().map(Expected::code).distinct().count(),
                "every outcome of the table is covered above");
    }

    @Test
    void aCodeMissingFromTheTableIsAnInternalErrorWithoutItsMessage() {
        SentryConnectException unknown = new SentryConnectException("not_in_the_table", "internal detail") {
        };
        ApiProblem problem = problems.problem(unknown);
        assertEquals(HttpStatus.INTERNAL_SERVER_ERROR, problem.getStatus());
        assertEquals("internal_error", problem.code());
        assertEquals("An unexpected error occurred.", problem.getDetail());
    }
}
