package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /remote/channel-provision/account/}: Sentry's Account Provisioning API, with which a partner creates
 * a Sentry organization for a customer of its own. The request is a JSON body signed by the partner:
 * {@code X-Request-Signature} is the hex HMAC-SHA256 of the exact body bytes under the partner's secret key
 * (fixtures: {@code partners}). Checks, in this order: signature over the raw bytes (401), JSON, the signing
 * partner's own channel (401), then the fields (400, Django REST framework's {@code {"field": ["message"]}}).
 * Idempotent on ({@code channel}, {@code organizationID}): a repeat adds managers and projects to the same
 * organization and answers the same integration token while it lives (a new one once it was revoked).
 */
final class ChannelProvisioning {

    static final String PATH = "/remote/channel-provision/account/";
    /** How far a request's {@code timestamp} may be from the stand-in's clock, either way. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** What an integration token may do: enough to manage projects and read and triage issues. */
    static final List<String> INTEGRATION_SCOPES = List.of("org:read", "project:read", "project:write",
            "project:releases", "team:read", "member:read", "event:read", "event:write");
    static final int MAX_ORGANIZATION_NAME = 50;
    private static final int MAX_PROJECT_NAME = 50;
    private static final int MAX_ORGANIZATION_ID = 255;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PLATFORM = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");

    private final Fixtures fixtures;
    private final Directory directory;
    private final StandInState state;
    private final Json json;
    private final Urls urls;

    ChannelProvisioning(Fixtures fixtures, Directory directory, StandInState state, Json json, Urls urls) {
        this.fixtures = fixtures;
        this.directory = directory;
        this.state = state;
        this.json = json;
        this.urls = urls;
    }

    /** One at a time: a repeat racing the first call for one customer must find the organization, not create two. */
    synchronized StandInResponse handle(StandInRequest request) {
        if (!"POST".equals(request.method())) {
            return detail(405, "Method \"" + request.method() + "\" not allowed.").withHeader("Allow", "POST");
        }
        Optional<Fixtures.Partner> signer = signer(request);
        if (signer.isEmpty()) {
            return detail(401, "Invalid request signature.");
        }
        Map<String, Object> body;
        try {
            body = json.readObject(request.body());
        } catch (IOException | RuntimeException e) {
            return detail(400, "JSON parse error.");
        }
        if (!signer.get().channel().equals(body.get("channel"))) {
            return detail(401, "Invalid request signature.");
        }
        Map<String, List<String>> errors = new LinkedHashMap<>();
        String email = requiredString(body, "email", errors);
        if (email != null && !EMAIL.matcher(email).matches()) {
            errors.put("email", List.of("Enter a valid email address."));
        }
        String name = requiredString(body, "organizationName", errors);
        if (name != null && name.strip().length() > MAX_ORGANIZATION_NAME) {
            errors.put("organizationName", List.of("Ensure this field has no more than " + MAX_ORGANIZATION_NAME + " characters."));
        }
        String partnerOrgId = organizationId(body, errors);
        terms(body, errors);
        timestamp(body, errors);
        url(body, errors);
        String region = requiredString(body, "region", errors);
        if (region != null && !Fixtures.REGIONS.contains(region)) {
            errors.put("region", List.of("\"" + region + "\" is not a valid choice."));
        }
        List<Directory.ProjectRequest> projects = projects(body, errors);
        Object isTest = body.get("isTest");
        if (isTest != null && !(isTest instanceof Boolean)) {
            errors.put("isTest", List.of("Must be a valid boolean."));
        }
        if (!errors.isEmpty()) {
            return StandInResponse.json(400, json.write(errors));
        }
        URI regionUrl = urls.region(region);
        Directory.ProvisionedOrganization account = directory.provision(signer.get().channel(), partnerOrgId,
                name.strip(), region, regionUrl.getHost() + ":" + regionUrl.getPort(), email, projects,
                Boolean.TRUE.equals(isTest));
        String token = account.integrationToken();
        if (token == null || state.authenticate(token).status() != StandInState.TokenStatus.VALID) {
            token = state.issueIntegrationToken("channel:" + account.channel(), account.proxyUserId(), account.orgId(),
                    INTEGRATION_SCOPES).accessToken();
            account = directory.integrationToken(account, token);
        }
        return StandInResponse.json(200, json.write(success(email, account, token)));
    }

    /** The partner whose secret signs these exact bytes, if any; compared in constant time. */
    private Optional<Fixtures.Partner> signer(StandInRequest request) {
        String signature = request.header("X-Request-Signature");
        if (signature == null || signature.isBlank()) {
            return Optional.empty();
        }
        byte[] presented = signature.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        for (Fixtures.Partner partner : fixtures.partners()) {
            byte[] expected = hmacHex(partner.secret(), request.body()).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, presented)) {
                return Optional.of(partner);
            }
        }
        return Optional.empty();
    }

    static String hmacHex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private Map<String, Object> success(String email, Directory.ProvisionedOrganization account, String token) {
        Fixtures.Organization org = directory.organizationById(account.orgId()).orElseThrow();
        Map<String, Object> orgJson = new LinkedHashMap<>();
        orgJson.put("id", org.id());
        orgJson.put("slug", org.slug());
        orgJson.put("name", org.name());
        List<Map<String, Object>> projects = new ArrayList<>();
        for (Fixtures.Project p : directory.projectsOf(org.slug())) {
            Map<String, Object> project = new LinkedHashMap<>();
            project.put("id", p.id());
            project.put("slug", p.slug());
            project.put("name", p.name());
            project.put("platform", p.platform());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dsn", directory.dsn(p.id()).orElse(null));
            entry.put("project", project);
            projects.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("organization", orgJson);
        body.put("projects", projects);
        body.put("integration_api_token", token);
        return body;
    }

    // --- fields ---------------------------------------------------------------------------------------------------

    @Nullable
    private static String requiredString(Map<String, Object> body, String field, Map<String, List<String>> errors) {
        Object value = body.get(field);
        if (value == null) {
            errors.put(field, List.of("This field is required."));
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            errors.put(field, List.of(value instanceof String ? "This field may not be blank." : "Not a valid string."));
            return null;
        }
        return s;
    }

    /** The partner's own customer id: a string or an integer. */
    @Nullable
    private static String organizationId(Map<String, Object> body, Map<String, List<String>> errors) {
        Object value = body.get("organizationID");
        String id = value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue())
                : value instanceof String s ? s.strip() : null;
        if (value == null) {
            errors.put("organizationID", List.of("This field is required."));
        } else if (id == null || id.isEmpty() || id.length() > MAX_ORGANIZATION_ID) {
            errors.put("organizationID", List.of("Not a valid organization id."));
            return null;
        }
        return id;
    }

    private static void terms(Map<String, Object> body, Map<String, List<String>> errors) {
        Object value = body.get("hasAgreedTerms");
        if (value == null) {
            errors.put("hasAgreedTerms", List.of("This field is required."));
        } else if (!(value instanceof Boolean)) {
            errors.put("hasAgreedTerms", List.of("Must be a valid boolean."));
        } else if (!(Boolean) value) {
            errors.put("hasAgreedTerms", List.of("The customer must agree to Sentry's terms of service."));
        }
    }

    private void timestamp(Map<String, Object> body, Map<String, List<String>> errors) {
        Object value = body.get("timestamp");
        if (value == null) {
            errors.put("timestamp", List.of("This field is required."));
            return;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            errors.put("timestamp", List.of("A valid integer is required."));
            return;
        }
        long skew = Math.abs(state.now().getEpochSecond() - n.longValue());
        if (skew > MAX_SKEW.toSeconds()) {
            errors.put("timestamp", List.of("The request has expired."));
        }
    }

    /**
     * {@code url} must be this endpoint's own URL, exactly: Sentry's partner documentation (Account Provisioning API)
     * requires {@code https://sentry.io/remote/channel-provision/account/} and signs the body that carries it, so a
     * request meant for another host or path is refused here too.
     */
    private void url(Map<String, Object> body, Map<String, List<String>> errors) {
        String url = requiredString(body, "url", errors);
        if (url != null && !url.equals(Urls.plain(urls.base()) + PATH)) {
            errors.put("url", List.of("The URL does not match this endpoint."));
        }
    }

    private static List<Directory.ProjectRequest> projects(Map<String, Object> body, Map<String, List<String>> errors) {
        Object value = body.get("projects");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            errors.put("projects", List.of("Expected a list of items."));
            return List.of();
        }
        List<Directory.ProjectRequest> projects = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> project) || !(project.get("name") instanceof String name) || name.isBlank()
                    || name.strip().length() > MAX_PROJECT_NAME) {
                errors.put("projects", List.of("Each project needs a name of at most " + MAX_PROJECT_NAME + " characters."));
                return List.of();
            }
            Object platform = project.get("platform");
            if (platform != null && !(platform instanceof String p && PLATFORM.matcher(p).matches())) {
                errors.put("projects", List.of("\"" + platform + "\" is not a valid platform."));
                return List.of();
            }
            projects.add(new Directory.ProjectRequest(name.strip(), (String) platform));
        }
        return projects;
    }

    private StandInResponse detail(int status, String message) {
        return StandInResponse.json(status, json.write(Map.of("detail", message)));
    }
}
