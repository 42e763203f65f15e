package io.sentryconnect.standalone;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.support.Contract;
import io.sentryconnect.support.ExternalTool;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/sidecar} as an operator and a platform on another stack use it: the service with its production
 * configuration (application.yml only) and, as environment variables, every variable that {@code sidecar.env.example}
 * sets (test values in place of its placeholders); platform tokens minted by {@code mint-token.mjs} (Node) and
 * {@code mint_token.py} (Python) as separate processes, as the README's "Run it as a sidecar" shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarExampleTest {
    private static final Path EXAMPLE = Path.of("examples", "sidecar");
    private static final Pattern VARIABLE = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$");
    private static final String JWT_SECRET_VARIABLE = "MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_SECRET_PLATFORM_SECRET";

    private final String jwtSecret = randomKey();
    private final String encryptionKey = randomKey();
    private final int port = IntegrationTest.freePort();
    private final Http http = new Http();
    private EmbeddedServer server;

    @RegisterExtension
    final LogLeakCheck leaks = LogLeakCheck.searching().alwaysSearch(jwtSecret, encryptionKey).atLeast(2);

    @BeforeAll
    void startTheServiceWithTheExampleEnvironment() throws IOException {
        Contract.service(port);
        Map<String, Object> environment = new TreeMap<>(sidecarEnvironment());
        environment.put("MICRONAUT_SERVER_PORT", String.valueOf(port));
        // Test-only: no background job, a small pool (as ProductionConfigurationTest).
        Map<String, Object> testOnly = Map.of("sentry-connect.refresh.background.enabled", false,
                "datasources.default.maximum-pool-size", 2, "datasources.default.minimum-idle", 1);
        // deduceEnvironment(false): Micronaut would otherwise add the "test" environment because JUnit is on the classpath.
        server = ApplicationContext.builder().deduceEnvironment(false)
                .propertySources(asEnvironmentVariables(environment)).properties(testOnly)
                .run(EmbeddedServer.class);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theExampleSetsEveryVariableTheServiceNeedsWithPlaceholdersOnly() throws IOException {
        Map<String, String> example = exampleVariables();
        assertEquals(new TreeMap<>(sidecarEnvironment()).keySet(), new TreeMap<>(example).keySet(),
                "the variables sidecar.env.example sets are those this test starts the service with");
        example.forEach((name, value) -> {
            if (!name.equals("SENTRY_CONNECT_PRIMARY_KEY_ID")) {
                assertTrue(value.contains("<") && value.contains(">"), name + " must be a <placeholder>, not a value: " + value);
            }
        });
    }

    @Test
    void aTokenMintedByTheNodeSnippetIsTheCallerItNames() {
        ExternalTool.require("node", "run examples/sidecar/mint-token.mjs");
        String token = mint(List.of("node", "mint-token.mjs", "t-node", "u-node"), jwtSecret);
        HttpResponse<String> me = http.get(url("/api/v1/me"), Http.bearer(token));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("{\"tenant_id\":\"t-node\",\"user_id\":\"u-node\",\"tenant_admin\":false}", me.body());
        HttpResponse<String> grants = http.get(url("/api/v1/grants"), Http.bearer(token));
        assertEquals(200, grants.statusCode(), grants.body());
        assertEquals("[]", grants.body());
    }

    @Test
    void aTokenMintedByThePythonSnippetWithAdminIsTheTenantAdmin() {
        ExternalTool.require("python3", "run examples/sidecar/mint_token.py");
        String token = mint(List.of("python3", "mint_token.py", "t-python", "u-python", "--admin"), jwtSecret);
        HttpResponse<String> me = http.get(url("/api/v1/me"), Http.bearer(token));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("{\"tenant_id\":\"t-python\",\"user_id\":\"u-python\",\"tenant_admin\":true}", me.body());
    }

    /** The README's curl step: a link for a return_to on the second origin of the comma-separated allow-list. */
    @Test
    void aMintedTokenCreatesALinkOnThePublicUrl() {
        ExternalTool.require("node", "run examples/sidecar/mint-token.mjs");
        String token = mint(List.of("node", "mint-token.mjs", "t-link", "u-link"), jwtSecret);
        HttpResponse<String> link = http.postJson(url("/api/v1/links"),
                "{\"return_to\":\"https://admin.platform.example/settings/sentry\"}", Http.bearer(token));
        assertEquals(201, link.statusCode(), link.body());
        Matcher linkUrl = Pattern.compile("\"link_url\":\"([^\"]+)\"").matcher(link.body());
        assertTrue(linkUrl.find(), link.body());
        leaks.saw(linkUrl.group(1));
        assertTrue(linkUrl.group(1).startsWith(url("/connect/sentry/start?ticket=")), linkUrl.group(1));
    }

    @Test
    void tokensSignedWithAnotherSecretAreRefused() {
        ExternalTool.require("node", "run examples/sidecar/mint-token.mjs");
        ExternalTool.require("python3", "run examples/sidecar/mint_token.py");
        String otherSecret = randomKey();
        for (List<String> command : List.of(List.of("node", "mint-token.mjs", "t1", "u1"), List.of("python3", "mint_token.py", "t1", "u1"))) {
            assertUnauthenticated(mint(command, otherSecret), command.get(0) + ", another secret");
        }
    }

    /** The service checks the audience of application.yml, which is the snippets' default: another one is refused. */
    @Test
    void aTokenForAnotherAudienceIsRefused() {
        ExternalTool.require("python3", "run examples/sidecar/mint_token.py");
        assertUnauthenticated(mint(List.of("python3", "mint_token.py", "t1", "u1", "--audience", "another-service"), jwtSecret),
                "another audience");
        assertUnauthenticated(mint(List.of("python3", "mint_token.py", "t1", "u1", "--issuer", "someone-else"), jwtSecret),
                "another issuer");
    }

    @Test
    void withoutASecretTheSnippetsPrintNoToken() throws Exception {
        ExternalTool.require("node", "run examples/sidecar/mint-token.mjs");
        ExternalTool.require("python3", "run examples/sidecar/mint_token.py");
        for (List<String> command : List.of(List.of("node", "mint-token.mjs", "t1", "u1"), List.of("python3", "mint_token.py", "t1", "u1"))) {
            for (String secret : new String[] {null, "too-short-for-hs256"}) {
                Run run = run(command, secret);
                assertNotEquals(0, run.exit(), command.get(0) + " with secret " + secret);
                assertEquals("", run.out(), command.get(0) + " printed something without a usable secret");
                assertTrue(run.err().contains("PLATFORM_JWT_SECRET"), run.err());
            }
        }
    }

    private void assertUnauthenticated(String token, String what) {
        HttpResponse<String> me = http.get(url("/api/v1/me"), Http.bearer(token));
        assertEquals(401, me.statusCode(), what + ": " + me.body());
        assertTrue(me.body().contains("\"code\":\"unauthenticated\""), me.body());
    }

    /** The environment the service gets: a test value for each variable of sidecar.env.example. */
    private Map<String, String> sidecarEnvironment() {
        Map<String, Object> database = TestDatabase.properties();
        Map<String, String> environment = new HashMap<>();
        environment.put("DATASOURCES_DEFAULT_URL", (String) database.get("datasources.default.url"));
        environment.put("DATASOURCES_DEFAULT_USERNAME", (String) database.get("datasources.default.username"));
        environment.put("DATASOURCES_DEFAULT_PASSWORD", (String) database.get("datasources.default.password"));
        environment.put("SENTRY_CONNECT_PUBLIC_URL", url(""));
        environment.put("SENTRY_CONNECT_LINK_ALLOWED_RETURN_ORIGINS", "https://app.platform.example,https://admin.platform.example");
        environment.put("SENTRY_CLIENT_ID", "sidecar-test-client");
        environment.put("SENTRY_CLIENT_SECRET", "sidecar-test-client-secret");
        environment.put("SENTRY_CONNECT_PRIMARY_KEY_ID", "1");
        environment.put("SENTRY_CONNECT_KEY_1", encryptionKey);
        environment.put(JWT_SECRET_VARIABLE, jwtSecret);
        return environment;
    }

    /** The uncommented {@code NAME=value} lines of sidecar.env.example. */
    private static Map<String, String> exampleVariables() throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(EXAMPLE.resolve("sidecar.env.example"), StandardCharsets.UTF_8)) {
            Matcher variable = VARIABLE.matcher(line);
            if (variable.matches()) {
                variables.put(variable.group(1), variable.group(2));
            } else {
                assertTrue(line.isBlank() || line.startsWith("#"), "neither a comment nor NAME=value: " + line);
            }
        }
        return variables;
    }

    /** A property source read as the process environment is (names like {@code SENTRY_CONNECT_PUBLIC_URL}), at its place. */
    private static PropertySource asEnvironmentVariables(Map<String, Object> variables) {
        return new MapPropertySource("sidecar.env", variables) {
            @Override
            public int getOrder() {
                return EnvironmentPropertySource.POSITION;
            }

            @Override
            public PropertyConvention getConvention() {
                return PropertyConvention.ENVIRONMENT_VARIABLE;
            }
        };
    }

    private String mint(List<String> command, String secret) {
        try {
            Run run = run(command, secret);
            assertEquals(0, run.exit(), String.join(" ", command) + ": " + run.err());
            assertEquals("", run.err(), String.join(" ", command));
            String token = run.out().strip();
            assertTrue(token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "not a JWS: " + token);
            return leaks.saw(token);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    /** Runs a snippet in examples/sidecar with {@code PLATFORM_JWT_SECRET} set to {@code secret} (or unset). */
    private static Run run(List<String> command, String secret) throws IOException, InterruptedException {
        Path err = Files.createTempFile("sidecar-snippet", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(EXAMPLE.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("PLATFORM_JWT_SECRET");
            if (secret != null) {
                builder.environment().put("PLATFORM_JWT_SECRET", secret);
            }
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            return new Run(process.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
