package io.sentryconnect.openapi;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served document passes the linters a platform team runs: Redocly's recommended rules without an error, and
 * Spectral's {@code spectral:oas} without a warning (the warnings Redocly still gives are explained in docs/api.md).
 * Both are pinned with their whole dependency tree by src/test/node/openapi-lint (package.json and package-lock.json)
 * and installed from it with {@code npm ci} into target/openapi-lint; without npm the test is skipped, except under
 * CI=true, where it fails.
 */
@MicronautTest(environments = "test", transactional = false)
class OpenApiLintTest extends IntegrationTest {
    private static final Path SOURCE = Path.of("src", "test", "node", "openapi-lint");
    private static final Path DIR = Path.of("target", "openapi-lint");

    private Path served;

    @BeforeAll
    void install() throws Exception {
        boolean npm = run(Path.of("."), 60, "npm", "--version").exit == 0;
        if (!npm) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("npm is needed to lint the OpenAPI document (apt-get install npm)");
            }
            Assumptions.abort("npm is not installed: apt-get install npm to lint the OpenAPI document");
        }
        Files.createDirectories(DIR);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json")) {
            byte[] pinned = Files.readAllBytes(SOURCE.resolve(file));
            Path copy = DIR.resolve(file);
            if (!Files.exists(copy) || !Arrays.equals(pinned, Files.readAllBytes(copy))) {
                Files.write(copy, pinned);
                changed = true;
            }
        }
        if (changed || !Files.exists(DIR.resolve("node_modules/.bin/redocly")) || !Files.exists(DIR.resolve("node_modules/.bin/spectral"))) {
            // npm ci installs exactly the lockfile's tree (and fails if package.json and the lockfile disagree).
            Result installed = run(DIR, 600, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
            assertEquals(0, installed.exit, installed.output);
        }
        served = DIR.resolve("served.yml");
        Files.writeString(served, new Http().get(serviceUrl() + "/swagger/sentry-connect-1.yml").body());
        Files.writeString(DIR.resolve(".spectral.yaml"), "extends: [\"spectral:oas\"]\n");
    }

    @Test
    void redoclyFindsNoError() throws Exception {
        Result lint = run(DIR, 300, "node_modules/.bin/redocly", "lint", served.getFileName().toString());
        assertEquals(0, lint.exit, lint.output);
        assertTrue(lint.output.contains("Your API description is valid"), lint.output);
    }

    @Test
    void spectralFindsNoWarning() throws Exception {
        Result lint = run(DIR, 300, "node_modules/.bin/spectral", "lint", "--ruleset", ".spectral.yaml", "--fail-severity", "warn",
                served.getFileName().toString());
        assertEquals(0, lint.exit, lint.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, long timeoutSeconds, String... command) throws InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        try {
            // Output to a file, not a pipe: a process that hangs cannot block the read, only run into the timeout.
            Path log = Files.createTempFile("openapi-lint", ".log");
            Process process = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + line + "\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
    }
}
