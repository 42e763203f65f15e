package io.sentryconnect.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged jars under {@code target/} (built at {@code package}, so for failsafe's ITs only) and how to launch the
 * service from them as an operator would: the production configuration, with test values for the settings it leaves
 * to the environment.
 */
public final class RunnerJar {
    private RunnerJar() {
    }

    /** {@code target/sentry-connect-<version>}{@code suffix}: {@code "-runner.jar"} is the standalone service, {@code ".jar"} the plugin. */
    public static Path jar(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("sentry-connect-[0-9][^-]*(-SNAPSHOT)?" + Pattern.quote(suffix)))
                    .findFirst().orElseThrow(() -> new AssertionError("no target/sentry-connect-*" + suffix));
        }
    }

    /**
     * What the production configuration cannot start without (the Sentry client, an encryption key, the platform JWT
     * secret), with test values: one all-zero key 1, which is primary.
     */
    public static Map<String, String> requiredSettings() {
        Map<String, String> settings = new TreeMap<>();
        settings.put("SENTRY_CLIENT_ID", "runner-it");
        settings.put("SENTRY_CLIENT_SECRET", "runner-it-secret");
        settings.put("sentry-connect.encryption.primary-key-id", "1");
        settings.put("sentry-connect.encryption.keys.1", Base64.getEncoder().encodeToString(new byte[32]));
        settings.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "runner-it-only-jwt-secret-0123456789abcdef");
        return settings;
    }

    /** {@code java} of this JVM with a bounded heap, each property as {@code -D}, then {@code launch} ({@code -jar …}, {@code -cp …}). */
    public static List<String> command(Map<String, String> properties, List<String> launch) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(launch);
        return command;
    }
}
