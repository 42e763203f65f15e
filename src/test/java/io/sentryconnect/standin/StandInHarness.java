package io.sentryconnect.standin;

import org.junit.jupiter.api.Assertions;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.sentryconnect.support.MutableClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A started stand-in on free ports with a hand-moved clock, and an HTTP client that talks to it the way the
 * service does: no Micronaut context, no database, redirects not followed.
 */
final class StandInHarness implements AutoCloseable {

    static final String CLIENT_ID = "sentry-connect-dev";
    static final String CLIENT_SECRET = "standin-dev-secret-not-for-production";
    static final String REDIRECT_URI = "http://localhost:8080/connect/sentry/callback";
    static final String READ_SCOPES = "org:read project:read team:read member:read event:read";
    /** Sentry's answer to a scope or access its permission class refuses. */
    static final String FORBIDDEN = "{\"detail\":\"You do not have permission to perform this action.\"}";
    /** Sentry's answer to an object that does not exist for the caller. */
    static final String NOT_FOUND = "{\"detail\":\"The requested resource does not exist\"}";

    /** An answer of exactly this status and body. */
    static void assertStatus(int status, String body, HttpResponse<String> response) {
        Assertions.assertEquals(status, response.statusCode(), response.body());
        Assertions.assertEquals(body, response.body());
    }
    /** {@link #READ_SCOPES} as a token response names them: sorted (none of them brings another). */
    static final String READ_SCOPES_GRANTED = "event:read member:read org:read project:read team:read";
    /** RFC 7636 appendix B. */
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T10:00:00Z"));
    final JsonMapper mapper = JsonMapper.createDefault();
    final SentryStandIn standIn;
    final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    StandInHarness() {
        this(StandInConfiguration.ephemeral());
    }

    StandInHarness(StandInConfiguration configuration) {
        standIn = new SentryStandIn(configuration, clock);
        standIn.start();
    }

    @Override
    public void close() {
        standIn.close();
    }

    // --- addresses ----------------------------------------------------------------------------------------------

    URI main(String pathAndQuery) {
        return URI.create(standIn.baseUrl() + pathAndQuery);
    }

    URI us(String pathAndQuery) {
        return URI.create(standIn.regionUrl("us") + pathAndQuery);
    }

    URI de(String pathAndQuery) {
        return URI.create(standIn.regionUrl("de") + pathAndQuery);
    }

    // --- plain HTTP ---------------------------------------------------------------------------------------------

    HttpResponse<String> get(URI uri, String... headers) {
        return send("GET", uri, null, headers);
    }

    HttpResponse<String> send(String method, URI uri, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> postForm(URI uri, Map<String, String> form, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send("POST", uri, formBody(form), all);
    }

    HttpResponse<String> json(String method, URI uri, String jsonBody) {
        return send(method, uri, jsonBody, "Content-Type", "application/json");
    }

    HttpResponse<String> api(String method, URI uri, String accessToken) {
        return send(method, uri, null, "Authorization", "Bearer " + accessToken);
    }

    HttpResponse<String> apiGet(URI uri, String accessToken) {
        return api("GET", uri, accessToken);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(HttpResponse<String> response) {
        return (Map<String, Object>) value(response.body());
    }

    @SuppressWarnings("unchecked")
    List<Object> array(HttpResponse<String> response) {
        return (List<Object>) value(response.body());
    }

    Object value(String json) {
        try {
            return mapper.readValue(json, Argument.of(Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    static String formBody(Map<String, String> form) {
        StringJoiner joiner = new StringJoiner("&");
        form.forEach((k, v) -> {
            if (v != null) {
                joiner.add(FormCodec.encode(k) + "=" + FormCodec.encode(v));
            }
        });
        return joiner.toString();
    }

    static String basic(String id, String secret) {
        String pair = FormCodec.encode(id) + ":" + FormCodec.encode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> queryOf(String uri) {
        Map<String, String> values = new LinkedHashMap<>();
        FormCodec.parse(URI.create(uri).getRawQuery()).forEach((k, v) -> values.put(k, v.get(0)));
        return values;
    }

    // --- OAuth ---------------------------------------------------------------------------------------------------

    /** The parameters the service sends: client, exact redirect URI, scopes, state, S256 challenge. */
    static Map<String, String> authorizeParams(String scope) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", CLIENT_ID);
        params.put("response_type", "code");
        params.put("redirect_uri", REDIRECT_URI);
        params.put("scope", scope);
        params.put("state", "state-123");
        params.put("code_challenge", CHALLENGE);
        params.put("code_challenge_method", "S256");
        return params;
    }

    HttpResponse<String> authorize(Map<String, String> params) {
        return get(main("/oauth/authorize/?" + formBody(params)));
    }

    /** A code for this user and organization, approved through the next-authorization control. */
    String codeFor(String userId, String orgSlug, String scope) {
        standIn.approveNext(userId, orgSlug);
        HttpResponse<String> response = authorize(authorizeParams(scope));
        assertEquals(302, response.statusCode(), response.body());
        String code = queryOf(response.headers().firstValue("Location").orElseThrow()).get("code");
        assertNotNull(code);
        return code;
    }

    /** Exchanges a code with body credentials, the exact redirect URI and the right verifier. */
    HttpResponse<String> exchange(String code) {
        return postForm(main("/oauth/token/"), tokenForm(code));
    }

    static Map<String, String> tokenForm(String code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", REDIRECT_URI);
        form.put("code_verifier", VERIFIER);
        form.put("client_id", CLIENT_ID);
        form.put("client_secret", CLIENT_SECRET);
        return form;
    }

    HttpResponse<String> refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", CLIENT_ID);
        form.put("client_secret", CLIENT_SECRET);
        return postForm(main("/oauth/token/"), form);
    }

    /** The token response of a completed linking: user 1 (Ada) in acme unless said otherwise. */
    Map<String, Object> link(String userId, String orgSlug, String scope) {
        HttpResponse<String> response = exchange(codeFor(userId, orgSlug, scope));
        assertEquals(200, response.statusCode(), response.body());
        return object(response);
    }

    String accessToken(String userId, String orgSlug, String scope) {
        return (String) link(userId, orgSlug, scope).get("access_token");
    }
}
