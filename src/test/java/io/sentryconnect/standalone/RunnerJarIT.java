package io.sentryconnect.standalone;

import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jars (failsafe, after {@code package}): the runner jar carries Micronaut AOT's generated classes and
 * starts from {@code java -jar} with its production configuration to a healthy {@code /health}, with a
 * property-switched bean still switched on at run time; the plugin's jar carries neither those classes nor any
 * standalone configuration.
 */
class RunnerJarIT {
    private static final String AOT_LOADER = "io/sentryconnect/standalone/aot/StaticServicesLoader.class";

    @Test
    void theRunnerJarCarriesTheAotClassesAndThePluginJarDoesNot() throws IOException {
        try (JarFile runner = new JarFile(jar("-runner.jar").toFile())) {
            assertNotNull(runner.getEntry(AOT_LOADER));
            assertNotNull(runner.getEntry("META-INF/services/io.micronaut.core.optim.StaticOptimizations$Loader"));
            assertNotNull(runner.getEntry("application.yml"));
        }
        try (JarFile plugin = new JarFile(jar(".jar").toFile())) {
            List<String> standalone = plugin.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("io/sentryconnect/standalone/") || n.startsWith("application") || n.contains("StaticOptimizations"))
                    .toList();
            assertEquals(List.of(), standalone);
        }
    }

    @Test
    void theRunnerJarStartsHealthyAndKeepsRunTimeSwitches() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> properties = new TreeMap<>();
        TestDatabase.properties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        properties.put("micronaut.server.port", String.valueOf(port));
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("SENTRY_CLIENT_ID", "runner-it");
        properties.put("SENTRY_CLIENT_SECRET", "runner-it-secret");
        properties.put("sentry-connect.encryption.primary-key-id", "1");
        properties.put("sentry-connect.encryption.keys.1", Base64.getEncoder().encodeToString(new byte[32]));
        properties.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "runner-it-only-jwt-secret-0123456789abcdef");
        // Off in application.yml, so the build's AOT analysis saw it off: it must still be a run-time decision.
        properties.put("sentry-connect.dev.token-endpoint", "true");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar("-runner.jar").toString()));
        Path log = Path.of("target", "runner-jar-it.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> health = awaitHealthy(process, http, "http://localhost:" + port + "/health", log);
            assertTrue(health.body().contains("UP"), health.body());
            HttpResponse<String> devToken = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dev/token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertNotEquals(404, devToken.statusCode(), "the dev token endpoint, switched on by a property at run time");
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
            assertTrue(process.isAlive(), "the runner jar exited; see " + log.toAbsolutePath());
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
        throw new AssertionError("the runner jar did not become healthy; see " + log.toAbsolutePath());
    }

    private static Path jar(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("sentry-connect-[0-9][^-]*(-SNAPSHOT)?" + java.util.regex.Pattern.quote(suffix)))
                    .findFirst().orElseThrow(() -> new AssertionError("no target/sentry-connect-*" + suffix));
        }
    }
}
