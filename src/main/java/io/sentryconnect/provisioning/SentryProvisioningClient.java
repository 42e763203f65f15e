package io.sentryconnect.provisioning;

import io.sentryconnect.PlainJson;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.sentryconnect.http.Hmac;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.sentry.SentryHttp;
import io.sentryconnect.sentry.SentryUnavailable;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.token.Secret;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentry's Account Provisioning API as a partner calls it: {@code POST {base}/remote/channel-provision/account/}
 * with a JSON body and {@code X-Request-Signature}, the hex HMAC-SHA256 ({@link Hmac}) of the exact bytes sent under
 * the partner's secret key. Each attempt is built afresh (new timestamp, new signature over its own bytes) and sent
 * through {@link SentryHttp#idempotent}, which retries 5xx, timeouts and dropped connections with backoff: safe,
 * because Sentry is idempotent on {@code organizationID}, so a retry of a call whose answer was lost finds the
 * organization the first one created. Sentry's refusals become domain exceptions that say who can fix them.
 */
@Singleton
class SentryProvisioningClient {
    private static final SentryProfile.Provisioning API = SentryProfile.SENTRY.provisioning();
    private static final Logger LOG = LoggerFactory.getLogger(SentryProvisioningClient.class);
    /** Sentry's names of the fields our caller sent, and ours: a refusal of one of them is the caller's to fix. */
    private static final Map<String, String> CALLER_FIELDS = Map.of("email", "email", "organizationName",
            "organization_name", "projects", "projects", "region", "region", "hasAgreedTerms", "has_agreed_terms");
    private static final int MAX_DETAIL = 200;

    private final SentryHttp http;
    private final PartnerProperties partner;
    private final SentryProperties sentry;
    private final Clock clock;

    SentryProvisioningClient(SentryHttp http, PartnerProperties partner, SentryProperties sentry, @Named(ClockFactory.NAME) Clock clock) {
        this.http = http;
        this.partner = partner;
        this.sentry = sentry;
        this.clock = clock;
    }

    /**
     * What we ask Sentry for; {@code organizationId} is our own id for the customer (the tenant id, after
     * {@code sentry-connect.partner.organization-id-prefix}).
     */
    record AccountRequest(String organizationId, String email, String organizationName, List<ProjectSpec> projects,
                          String region) {
    }

    record ProjectSpec(String name, @Nullable String platform) {
    }

    /** Sentry's answer: the organization, all the projects it reported with their DSNs, the integration token. */
    record ProvisionedAccount(String organizationId, String organizationSlug, String organizationName,
                              List<ProvisionedProject> projects, Secret integrationToken) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record AccountResponse(@Nullable OrganizationJson organization, @Nullable List<ProjectEntryJson> projects,
                           @Nullable String integrationApiToken) {
        @Override
        public String toString() {
            return "AccountResponse[organization=" + organization + ", integrationApiToken=[redacted]]";
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record OrganizationJson(@Nullable String id, @Nullable String slug, @Nullable String name) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record ProjectEntryJson(@Nullable String dsn, @Nullable ProjectJson project) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record ProjectJson(@Nullable String id, @Nullable String slug, @Nullable String name, @Nullable String platform) {
    }

    /**
     * Provisions (or finds) the customer's organization.
     *
     * @throws InvalidRequest           Sentry refused something the caller sent (naming the field)
     * @throws TermsNotAgreed           Sentry wants the terms agreed
     * @throws PartnerSignatureRejected Sentry refused our signature
     * @throws ProvisioningRejected     Sentry refused anything else of ours
     * @throws SentryUnavailable        Sentry failed, timed out after the retries, or answered what cannot be read
     */
    ProvisionedAccount provision(AccountRequest request) {
        if (!partner.provisioningConfigured()) {
            throw new ProvisioningNotConfigured();
        }
        URI endpoint = URI.create(plain(sentry.baseUrl()) + API.path());
        HttpResponse<byte[]> response;
        try {
            response = http.idempotent(() -> signed(endpoint, request));
        } catch (SentryHttp.SentryServerError e) {
            LOG.warn("Provisioning for organizationID {}: {}", request.organizationId(), e.getMessage());
            throw new SentryUnavailable(e.timeout(), e.timeout()
                    ? "Sentry's Account Provisioning API did not answer in time; nothing was recorded. Try again: a retry is safe."
                    : "Sentry's Account Provisioning API failed; nothing was recorded. Try again: a retry is safe.");
        } catch (io.sentryconnect.sentry.SentryAnswerTooLarge e) {
            // An answer that cannot be read, like any other here: not the proxy's "ask for less".
            LOG.warn("Provisioning for organizationID {}: Sentry's answer is over sentry-connect.http.api-max-content-length",
                    request.organizationId());
            throw new SentryUnavailable(false, "Sentry's Account Provisioning API answered what cannot be read; nothing "
                    + "was recorded. Try again: a retry is safe.");
        }
        int status = response.code();
        if (status == 200 || status == 201) {
            return account(request, response.getBody().orElse(new byte[0]));
        }
        if (status == 401) {
            LOG.warn("Provisioning for organizationID {}: Sentry refused the partner signature (channel {})",
                    request.organizationId(), partner.channel());
            throw new PartnerSignatureRejected();
        }
        if (status == 400) {
            throw refused(request, fieldsOf(response.getBody().orElse(new byte[0])));
        }
        LOG.warn("Provisioning for organizationID {}: Sentry answered {}", request.organizationId(), status);
        if (status == 429) {
            throw new SentryUnavailable(false, "Sentry is rate limiting provisioning requests; nothing was recorded. Try again later.");
        }
        throw new ProvisioningRejected("Sentry's Account Provisioning API answered " + status + "; nothing was recorded.");
    }

    /** The scopes of a token, as Sentry reports them at {@code GET /api/0/}. */
    List<String> scopes(Secret token) {
        URI index = URI.create(plain(sentry.baseUrl()) + "/" + SentryProfile.SENTRY.apiRoot());
        HttpResponse<byte[]> response;
        try {
            response = http.idempotent(() -> HttpRequest.GET(index.toString()).accept(MediaType.APPLICATION_JSON_TYPE)
                    .bearerAuth(token.reveal()));
        } catch (SentryHttp.SentryServerError e) {
            throw new SentryUnavailable(e.timeout(), "Sentry did not answer about the new integration token; "
                    + "nothing was recorded. Try again: a retry is safe.");
        } catch (io.sentryconnect.sentry.SentryAnswerTooLarge e) {
            throw new SentryUnavailable(false, "Sentry's answer about the new integration token cannot be read; "
                    + "nothing was recorded. Try again: a retry is safe.");
        }
        if (response.code() != 200) {
            LOG.warn("Sentry answered {} to the new integration token's first call", response.code());
            throw new ProvisioningRejected("Sentry did not accept the integration token it just issued (HTTP "
                    + response.code() + "); nothing was recorded.");
        }
        try {
            Map<String, Object> body = PlainJson.readObject(response.getBody().orElse(new byte[0]));
            if (body.get("auth") instanceof Map<?, ?> auth && auth.get("scopes") instanceof List<?> scopes) {
                return scopes.stream().map(String::valueOf).toList();
            }
        } catch (IOException | RuntimeException e) {
            // reported below
        }
        throw new SentryUnavailable(false, "Sentry's answer about the new integration token could not be read; "
                + "nothing was recorded. Try again: a retry is safe.");
    }

    /** One attempt: the body with this moment's timestamp, serialised once, signed and sent as exactly those bytes. */
    private MutableHttpRequest<?> signed(URI endpoint, AccountRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", partner.channel());
        body.put("email", request.email());
        body.put("organizationName", request.organizationName());
        body.put("organizationID", request.organizationId());
        body.put("hasAgreedTerms", true);
        body.put("timestamp", clock.instant().getEpochSecond());
        body.put("url", endpoint.toString());
        List<Map<String, Object>> projects = new ArrayList<>();
        for (ProjectSpec project : request.projects()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", project.name());
            if (project.platform() != null) {
                p.put("platform", project.platform());
            }
            projects.add(p);
        }
        body.put("projects", projects);
        body.put("region", request.region());
        body.put("isTest", partner.testAccounts());
        byte[] bytes;
        try {
            bytes = PlainJson.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HttpRequest.POST(endpoint.toString(), bytes)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(MediaType.APPLICATION_JSON_TYPE)
                .header(API.signatureHeader(), Hmac.sha256Hex(partner.secret().bytes(), bytes));
    }

    private ProvisionedAccount account(AccountRequest request, byte[] body) {
        AccountResponse response;
        try {
            response = PlainJson.read(body, AccountResponse.class);
        } catch (IOException | RuntimeException e) {
            response = null;
        }
        if (response == null || response.organization() == null || blank(response.organization().id())
                || blank(response.organization().slug()) || blank(response.integrationApiToken())) {
            LOG.warn("Provisioning for organizationID {}: Sentry's answer could not be read", request.organizationId());
            throw new SentryUnavailable(false, "Sentry's Account Provisioning answer could not be read; nothing "
                    + "was recorded. Try again: a retry is safe.");
        }
        List<ProvisionedProject> projects = new ArrayList<>();
        for (ProjectEntryJson entry : response.projects() == null ? List.<ProjectEntryJson>of() : response.projects()) {
            ProjectJson p = entry.project();
            if (p == null || blank(p.id()) || blank(entry.dsn())) {
                continue;
            }
            projects.add(new ProvisionedProject(p.id(), blank(p.slug()) ? p.id() : p.slug(), blank(p.name()) ? p.slug() : p.name(),
                    p.platform(), entry.dsn()));
        }
        OrganizationJson org = response.organization();
        return new ProvisionedAccount(org.id(), org.slug(), blank(org.name()) ? org.slug() : org.name(), projects,
                Secret.of(response.integrationApiToken()));
    }

    /** Field names and their first messages from a Django REST framework error body; never the whole body. */
    private Map<String, String> fieldsOf(byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            Map<String, Object> errors = PlainJson.readObject(body);
            errors.forEach((field, messages) -> {
                Object first = messages instanceof List<?> list && !list.isEmpty() ? list.get(0) : messages;
                fields.put(field, first instanceof String s ? s : "");
            });
        } catch (IOException | RuntimeException e) {
            // a 400 without a readable body names no field
        }
        return fields;
    }

    private SentryConnectException refused(AccountRequest request, Map<String, String> fields) {
        LOG.warn("Provisioning for organizationID {}: Sentry refused the request (fields {})", request.organizationId(), fields.keySet());
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String ours = CALLER_FIELDS.get(field.getKey());
            if (ours != null) {
                if (ours.equals("has_agreed_terms")) {
                    return new TermsNotAgreed();
                }
                return new InvalidRequest(ours, "Sentry refused " + ours + ": " + shorten(field.getValue()));
            }
        }
        String named = fields.isEmpty() ? "no field named" : String.join(", ", fields.keySet());
        return new ProvisioningRejected("Sentry refused the provisioning request (" + shorten(named) + "): "
                + "something this service sends is wrong (its clock, for the timestamp, or its configuration). "
                + "Nothing was recorded.");
    }

    private static String shorten(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
    }

    private static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }

    private static String plain(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
