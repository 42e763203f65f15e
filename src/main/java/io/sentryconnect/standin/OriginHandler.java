package io.sentryconnect.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Serves one origin: reads the request, plays an armed fault if one matches, routes to the endpoints, writes the
 * response and logs it (without secrets). The {@code /_standin/} controls are neither faulted nor logged, so a
 * test's own set-up never disturbs what it measures.
 */
final class OriginHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OriginHandler.class);

    private final Origin origin;
    private final AuthorizeEndpoint authorize;
    private final TokenEndpoint token;
    private final ApiEndpoints api;
    private final ChannelProvisioning provisioning;
    private final Controls controls;
    private final Faults faults;
    private final RequestLog requestLog;
    private final StandInState state;
    private final Json json;

    OriginHandler(Origin origin, AuthorizeEndpoint authorize, TokenEndpoint token, ApiEndpoints api, ChannelProvisioning provisioning,
                  Controls controls, Faults faults, RequestLog requestLog, StandInState state, Json json) {
        this.origin = origin;
        this.authorize = authorize;
        this.token = token;
        this.api = api;
        this.provisioning = provisioning;
        this.controls = controls;
        this.faults = faults;
        this.requestLog = requestLog;
        this.state = state;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        StandInRequest request;
        try (InputStream in = exchange.getRequestBody()) {
            request = new StandInRequest(origin, exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT),
                    exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    FormCodec.parse(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders(),
                    in.readAllBytes(), exchange.getRemoteAddress().getAddress().getHostAddress());
        } catch (IllegalArgumentException e) {
            write(exchange, StandInResponse.text(400, "Bad Request"), "GET");
            return;
        }
        boolean control = origin.isMain() && request.path().startsWith("/_standin/");
        Optional<Fault> fault = control ? Optional.empty() : faults.take(request.path());
        if (fault.isPresent() && fault.get().delayMs() > 0) {
            try {
                Thread.sleep(fault.get().delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault.isPresent() && fault.get().reset()) {
            // Closing an exchange before any header was sent makes the JDK server close the socket: the client
            // sees the connection end without a response (EOF or reset, depending on timing).
            log(request, 0, "reset");
            exchange.close();
            return;
        }
        StandInResponse response;
        if (fault.isPresent() && fault.get().status() != 0) {
            Fault played = fault.get();
            response = played.body() != null
                    ? new StandInResponse(played.status(), Map.of("Content-Type", played.contentType()),
                    played.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : played.location() != null ? new StandInResponse(played.status(), Map.of("Location", played.location()), new byte[0])
                    : played.detail() == null ? faultResponse(played.status(), request)
                    : detailResponse(played.status(), played.detail(), request);
        } else {
            response = serve(request);
            if (fault.isPresent() && fault.get().malformed()) {
                response = truncated(response);
            } else if (fault.isPresent() && fault.get().members() != null) {
                response = rewritten(response, fault.get().members());
            }
        }
        // Logged before the response leaves: a test that reads the log right after its call must find the call.
        if (!control) {
            log(request, response.status(), fault.map(OriginHandler::describe).orElse(null));
        }
        write(exchange, response, request.method());
    }

    private StandInResponse serve(StandInRequest request) {
        try {
            String path = request.path();
            if (path.equals("/api/0") || path.startsWith("/api/0/")) {
                return api.handle(request);
            }
            if (origin.isMain()) {
                if (path.equals("/oauth/authorize/") || path.equals("/oauth/authorize")) {
                    return authorize.authorize(request);
                }
                if (path.equals("/oauth/token/") || path.equals("/oauth/token")) {
                    return token.handle(request);
                }
                if (path.equals(ChannelProvisioning.PATH)) {
                    return provisioning.handle(request);
                }
                if (path.startsWith("/_standin/")) {
                    return controls.handle(request);
                }
            }
            return StandInResponse.html(404, "<!DOCTYPE html><html><body><h1>Page Not Found</h1></body></html>");
        } catch (IllegalArgumentException e) {
            return StandInResponse.text(400, "Bad Request");
        } catch (RuntimeException e) {
            LOG.warn("Sentry stand-in failed on {} {}", request.method(), request.path(), e);
            return StandInResponse.json(500, json.write(Map.of("detail", "Internal Error")));
        }
    }

    /** What a failing Sentry or the proxy in front of it plausibly sends for a status. */
    private StandInResponse faultResponse(int status, StandInRequest request) {
        boolean tokenEndpoint = request.path().startsWith("/oauth/token");
        if (status == 429) {
            Settings settings = state.settings();
            int limit = faultedLimit(settings);
            StandInResponse response = RateLimiter.tooFrequent(settings.rateLimitBody(), limit, settings.rateLimitWindowSeconds(),
                    json.write(RateLimiter.tooFrequentBody(settings.rateLimitBody(), limit, settings.rateLimitWindowSeconds())));
            return request.path().startsWith("/api/")
                    ? response.withHeaders(RateLimiter.exhaustedHeaders(limit, settings.rateLimitWindowSeconds(), state.now()))
                    : response;
        }
        if (status >= 502 && status <= 504) {
            String title = status + (status == 502 ? " Bad Gateway" : status == 503 ? " Service Unavailable" : " Gateway Timeout");
            return StandInResponse.html(status, "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>"
                    + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (status >= 500) {
            body.put("detail", "Internal Error");
            body.put("errorId", Secrets.token().substring(0, 32));
        } else if (tokenEndpoint && status == 401) {
            return StandInResponse.json(401, json.write(Map.of("error", "invalid_client")))
                    .withHeader("WWW-Authenticate", "Basic realm=\"oauth\"");
        } else if (tokenEndpoint && status == 400) {
            // Deliberately not invalid_grant: a fault should not look like a revocation unless a test asks for one.
            body.put("error", "invalid_request");
        } else if (status == 401) {
            StandInResponse response = StandInResponse.json(401, json.write(Map.of("detail", "Invalid token")));
            return request.path().startsWith("/api/")
                    ? response.withHeader("WWW-Authenticate", ApiAnswers.WWW_AUTHENTICATE) : response;
        } else if (status == 403) {
            body.put("detail", ApiAnswers.FORBIDDEN);
        } else if (status == 404) {
            body.put("detail", ApiAnswers.NOT_FOUND);
        } else {
            body.put("detail", "Stand-in fault: HTTP " + status);
        }
        return StandInResponse.json(status, json.write(body));
    }

    /** The same status with {@code {"detail": …}} as its body; a 429 on the API keeps its exhausted rate-limit headers. */
    private StandInResponse detailResponse(int status, String detail, StandInRequest request) {
        StandInResponse response = StandInResponse.json(status, json.write(Map.of("detail", detail)));
        if (status == 429 && request.path().startsWith("/api/")) {
            Settings settings = state.settings();
            return response.withHeaders(RateLimiter.exhaustedHeaders(faultedLimit(settings),
                    settings.rateLimitWindowSeconds(), state.now()));
        }
        if (status == 401 && request.path().startsWith("/api/")) {
            return response.withHeader("WWW-Authenticate", ApiAnswers.WWW_AUTHENTICATE);
        }
        return response;
    }

    /** The limit a faulted 429 names: the configured one, or a plausible one when none is set. */
    private static int faultedLimit(Settings settings) {
        return settings.rateLimit() > 0 ? settings.rateLimit() : 40;
    }

    /** Status 200 with the first half of the real body: never valid JSON, whatever the handler produced. */
    private static StandInResponse truncated(StandInResponse response) {
        byte[] body = response.body().length < 2
                ? "{\"".getBytes(StandardCharsets.UTF_8)
                : Arrays.copyOf(response.body(), response.body().length / 2);
        return new StandInResponse(200, Map.of("Content-Type", "application/json"), body);
    }

    /** The handler's JSON object body with {@code members} replaced (a null removes one); any other body as it was. */
    private StandInResponse rewritten(StandInResponse response, Map<String, Object> members) {
        Map<String, Object> body;
        try {
            body = json.readObject(response.body());
        } catch (IOException | RuntimeException e) {
            return response;
        }
        Map<String, Object> out = new LinkedHashMap<>(body);
        members.forEach((name, value) -> {
            if (value == null) {
                out.remove(name);
            } else {
                out.put(name, value);
            }
        });
        return new StandInResponse(response.status(), response.headers(), json.write(out));
    }

    private static String describe(Fault fault) {
        if (fault.reset()) {
            return "reset";
        }
        if (fault.malformed()) {
            return "malformed";
        }
        if (fault.status() != 0) {
            return "status:" + fault.status();
        }
        if (fault.members() != null) {
            return "members";
        }
        return "delay:" + fault.delayMs();
    }

    private void log(StandInRequest request, int status, String fault) {
        String grantType = null;
        if (request.path().startsWith("/oauth/token")) {
            grantType = FormCodec.value(request.form(), "grant_type");
        }
        requestLog.add(new RequestLogEntry(origin.name(), request.method(), request.path(),
                RequestLog.redactedQuery(request.query()), grantType, status, state.now(), fault,
                RequestLog.headerNames(request.headers())));
    }

    private static void write(HttpExchange exchange, StandInResponse response, String method) throws IOException {
        try {
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            byte[] body = response.body();
            boolean noBody = body.length == 0 || response.status() == 204 || response.status() == 304
                    || "HEAD".equals(method);
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } finally {
            exchange.close();
        }
    }
}
