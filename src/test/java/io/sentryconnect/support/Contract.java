package io.sentryconnect.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.sentryconnect.openapi.OpenApiDocument;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The contract check every answer of the service goes through ({@link Http} calls it): an answer to a documented
 * operation must match the OpenAPI document (status, headers, body schema), checked by swagger-request-validator;
 * and any error answer of ours must be problem+json with a {@code code} (or, on the browser routes, a page), with
 * no Java class name in it. The service's ports are registered by {@link IntegrationTest}; other answers (the
 * stand-in's, a webhook receiver's) are not ours and are left alone.
 */
public final class Contract {
    private static final Set<Integer> SERVICE_PORTS = ConcurrentHashMap.newKeySet();
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:java|javax|jakarta|io\\.micronaut|io\\.sentryconnect|com\\.fasterxml|org\\.postgresql|reactor)\\.[a-z]+[.$][A-Za-z]"
                    + "|\\[class |Exception\\b");
    private static final Set<String> UNDOCUMENTED = Set.of("validation.response.path.missing",
            "validation.response.operation.notAllowed", "validation.request.path.missing", "validation.request.operation.notAllowed");
    /** The proxy's route: its {@code {path}} holds slashes, which the validator would read as more path segments. */
    private static final Pattern PROXY = Pattern.compile("(.*/grants/[^/]+/sentry/)(.+)");
    /** The standalone service's health answers, UP or DOWN: Micronaut's documented shape, not a problem. */
    private static final Pattern HEALTH = Pattern.compile("/health(/liveness|/readiness)?");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static volatile OpenApiInteractionValidator validator;

    private Contract() {
    }

    /** Paths that a test's host application serves itself (its own routes and their errors), which are not checked. */
    private static final Set<String> HOST_PATHS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Answers under these path prefixes are a test host's own, not the plugin's, and not checked. */
    public static void hostPaths(String... prefixes) {
        HOST_PATHS.addAll(List.of(prefixes));
    }

    /** Answers on this port are the service's, and checked. */
    public static void service(int port) {
        SERVICE_PORTS.add(port);
    }

    /**
     * Answers on these ports are not the service's (a stand-in's): a port an earlier test class's service had, picked
     * again for a later class's stand-in, is no longer checked.
     */
    public static void notService(int... ports) {
        for (int port : ports) {
            SERVICE_PORTS.remove(port);
        }
    }

    static void check(HttpRequest request, HttpResponse<String> response) {
        URI uri = request.uri();
        if (!SERVICE_PORTS.contains(uri.getPort()) || HOST_PATHS.stream().anyMatch(uri.getRawPath()::startsWith)) {
            return;
        }
        List<String> problems = problems(request.method(), uri.getRawPath(), response.statusCode(),
                response.headers().map(), response.body());
        if (!problems.isEmpty()) {
            throw new AssertionError("The answer to " + request.method() + " " + uri + " breaks the contract: " + problems
                    + "\n  status " + response.statusCode() + ", headers " + response.headers().map() + "\n  body " + response.body());
        }
    }

    /** What is wrong with one answer of the service; empty when it keeps the contract. */
    public static List<String> problems(String method, String path, int status, Map<String, List<String>> headers, String body) {
        List<String> problems = new java.util.ArrayList<>();
        String contentType = header(headers, "Content-Type");
        boolean documented = false;
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(status).withBody(body == null ? "" : body);
        headers.forEach((name, values) -> answer.withHeader(name, values));
        ValidationReport report = validator().validateResponse(validatedPath(path),
                Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), answer.build());
        for (ValidationReport.Message message : report.getMessages()) {
            if (UNDOCUMENTED.contains(message.getKey())) {
                continue;
            }
            if (message.getKey().equals("validation.response.body.schema.invalidJson") && passedThrough(path, contentType)) {
                continue; // Sentry's bytes as Sentry sent them: the document promises no more than that (SentryAnswer)
            }
            if (message.getLevel() == ValidationReport.Level.ERROR) {
                problems.add(message.getKey() + ": " + message.getMessage());
            }
        }
        documented = report.getMessages().stream().noneMatch(m -> UNDOCUMENTED.contains(m.getKey()));
        // On the plugin's paths, documented or not (a stand-in on a port a service had once is neither).
        boolean plugins = documented || path.startsWith("/api/v1/") || path.startsWith("/connect/sentry");
        if (plugins && header(headers, "X-Request-Id").isEmpty()) {
            problems.add("no X-Request-Id (every answer on the plugin's routes carries one)");
        }
        if (status >= 400) {
            problems.addAll(errorShape(path, status, documented, contentType, body));
        }
        return problems;
    }

    /**
     * The path as the validator can match it: the proxy's tail with its slashes encoded ({@code %2F}, as a generated
     * client sends them), so that it is the one {@code {path}} segment the document declares.
     */
    static String validatedPath(String path) {
        java.util.regex.Matcher proxy = PROXY.matcher(path);
        return proxy.matches() ? proxy.group(1) + proxy.group(2).replace("/", "%2F") : path;
    }

    private static List<String> errorShape(String path, int status, boolean documented, String contentType, String body) {
        if (status == 503 && HEALTH.matcher(path).matches() && contentType.startsWith("application/json")) {
            return List.of(); // Micronaut's health answer (DOWN with its details), documented and validated as such
        }
        String text = body == null ? "" : body;
        if (CLASS_NAME.matcher(text).find() && !passedThrough(path, contentType)) {
            return List.of("the error names a Java class or exception");
        }
        if (contentType.startsWith("application/problem+json")) {
            List<String> wrong = new java.util.ArrayList<>();
            if (!text.matches("(?s).*\"code\"\\s*:\\s*\"[a-z_]+\".*")) {
                wrong.add("a problem without a code");
            }
            Integer member = problemStatus(text);
            if (member == null || member != status) {
                wrong.add("the problem's status member (" + member + ") is not the answer's status " + status);
            }
            return wrong;
        }
        if (contentType.startsWith("text/html") && path.contains("/connect/")) {
            return List.of(); // a browser page; its code is on the page
        }
        if (passedThrough(path, contentType)) {
            return List.of(); // Sentry's own answer
        }
        return List.of("an error that is not problem+json (" + contentType + ")" + (documented ? "" : " on an undocumented route"));
    }

    private static Integer problemStatus(String text) {
        try {
            com.fasterxml.jackson.databind.JsonNode status = JSON.readTree(text).get("status");
            return status != null && status.isInt() ? status.intValue() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Sentry's own answers through the proxy are Sentry's to shape. */
    private static boolean passedThrough(String path, String contentType) {
        return path.matches(".*/grants/[^/]+/sentry/.*") && !contentType.startsWith("application/problem+json");
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                .map(e -> e.getValue().isEmpty() ? "" : e.getValue().get(0)).orElse("").toLowerCase(Locale.ROOT);
    }

    private static OpenApiInteractionValidator validator() {
        if (validator == null) {
            synchronized (Contract.class) {
                if (validator == null) {
                    validator = OpenApiInteractionValidator.createForInlineApiSpecification(OpenApiDocument.source())
                            // allOf (a provisioned grant is a grant plus its projects) as one schema, objects closed
                            .withResolveCombinators(true).build();
                }
            }
        }
        return validator;
    }
}
