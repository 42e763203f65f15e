package io.sentryconnect.standalone;

import io.sentryconnect.support.RunnerJar;
import io.sentryconnect.support.ScratchSchema;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service (failsafe, after {@code package}): the runner jar carries Micronaut AOT's generated classes and
 * starts from {@code java -jar} with its production configuration to a healthy {@code /health}, with a
 * property-switched bean still switched on at run time; the plugin's jar carries neither those classes nor any
 * standalone configuration; and the main class starts from the project's runtime classpath, as {@code mn:run} does.
 */
class RunnerJarIT {
    private static final String AOT_LOADER = "io/sentryconnect/standalone/aot/StaticServicesLoader.class";

    @Test
    void theRunnerJarCarriesTheAotClassesAndThePluginJarDoesNot() throws IOException {
        try (JarFile runner = new JarFile(RunnerJar.jar("-runner.jar").toFile())) {
            assertNotNull(runner.getEntry(AOT_LOADER));
            assertNotNull(runner.getEntry("META-INF/services/io.micronaut.core.optim.StaticOptimizations$Loader"));
            assertNotNull(runner.getEntry("application.yml"));
        }
        try (JarFile plugin = new JarFile(RunnerJar.jar(".jar").toFile())) {
            List<String> standalone = plugin.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("io/sentryconnect/standalone/") || n.startsWith("application") || n.contains("StaticOptimizations")
                            || n.contains("DevToken"))
                    .toList();
            assertEquals(List.of(), standalone);
        }
    }

    @Test
    void theRunnerJarStartsHealthyAndKeepsRunTimeSwitches() throws Exception {
        // Off in application.yml, so the build's AOT analysis saw it off: it must still be a run-time decision. The
        // runner jar has no application-test.yml: apart from the switch, this is the production configuration.
        Map<String, String> properties = new TreeMap<>(Map.of("sentry-connect.dev.token-endpoint", "true",
                "micronaut.environments", "test"));
        TestDatabase.properties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        startHealthy(List.of("-jar", RunnerJar.jar("-runner.jar").toString()), properties, "runner-jar-it.log", (http, base) -> {
            HttpResponse<String> devToken = http.send(HttpRequest.newBuilder(URI.create(base + "/dev/token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertNotEquals(404, devToken.statusCode(), "the dev token endpoint, switched on by a property at run time");
        });
    }

    /** With {@code logback-json.xml} every line the service writes is one JSON object, the banner's place included. */
    @Test
    void withJsonLogsEveryLineOfOutputIsAJsonObject() throws Exception {
        Map<String, String> properties = new TreeMap<>(Map.of("logback.configurationFile", "logback-json.xml"));
        TestDatabase.properties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        startHealthy(List.of("-jar", RunnerJar.jar("-runner.jar").toString()), properties, "runner-jar-json-it.log", (http, base) -> {
            List<String> lines = Files.readAllLines(Path.of("target", "runner-jar-json-it.log")).stream()
                    .filter(line -> !line.isBlank()).toList();
            assertFalse(lines.isEmpty(), "the service logged its start");
            for (String line : lines) {
                assertTrue(line.startsWith("{") && line.endsWith("}"), "not one JSON object: " + line);
            }
        });
    }

    /**
     * What {@code ./mvnw mn:run} runs: the main class on the project's runtime classpath (written at {@code package}
     * by the dependency plugin), on an empty schema, so that Flyway really migrates. A dependency that only the
     * tests' classpath carries (Jackson once was) fails here, not in the README's first command.
     */
    @Test
    void theServiceStartsFromTheRuntimeClasspathOnAnEmptySchemaAndMigrates() throws Exception {
        try (ScratchSchema schema = ScratchSchema.create("runtime_cp")) {
            String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                    + Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
            startHealthy(List.of("-cp", classpath, "io.sentryconnect.standalone.Application"), schema.properties(),
                    "runtime-classpath-it.log", (http, base) -> { });
            assertEquals(1, schema.query("SELECT count(*) FROM sentry_connect_grant").size(), "the migrations created the grant table");
        }
    }

    private interface Check {
        void run(HttpClient http, String base) throws Exception;
    }

    /** Launches the service with the production configuration and {@code properties}, waits for /health UP, checks. */
    private static void startHealthy(List<String> launch, Map<String, String> properties, String logName, Check check)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> all = new TreeMap<>(properties);
        all.put("micronaut.server.port", String.valueOf(port));
        all.put("sentry-connect.public-url", "http://localhost:" + port);
        all.putAll(RunnerJar.requiredSettings());
        Path log = Path.of("target", logName);
        Process process = new ProcessBuilder(RunnerJar.command(all, launch)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> health = awaitHealthy(process, http, "http://localhost:" + port + "/health", log);
            assertTrue(health.body().contains("UP"), health.body());
            check.run(http, "http://localhost:" + port);
            assertFalse(Files.readString(log).contains(" ERROR "), "errors in " + log.toAbsolutePath());
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Bounded generously: the build machine may be loaded; a quiet one answers in seconds. */
    private static HttpResponse<String> awaitHealthy(Process process, HttpClient http, String url, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), "the service exited; see " + log.toAbsolutePath());
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
            } catch (IOException notListeningYet) {
                // polled again below
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("the service did not become healthy; see " + log.toAbsolutePath());
    }
}
