package io.sentryconnect.support;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver in Node that verifies every delivery with the {@code standardwebhooks} npm package, pinned in
 * {@code src/test/node/webhook-verifier} (package.json and package-lock.json, installed with {@code npm ci} into
 * {@code target/}), the way a platform would. Without Node the test is skipped on a developer's machine and fails
 * on CI ({@code CI=true}), where Node is part of the machine.
 */
public final class NodeWebhookVerifier implements AutoCloseable {
    /** What the receiver found in one delivery. */
    public record Verdict(String id, List<Boolean> verified, List<List<Boolean>> eachSignature, List<String> legacyHeaders) {
    }

    private static final Path SOURCE = Path.of("src/test/node/webhook-verifier");
    private static final Path INSTALL = Path.of("target/node/webhook-verifier");

    private final Process process;
    private final List<Map<String, Object>> lines = new CopyOnWriteArrayList<>();
    private final int port;

    /** Starts a receiver that checks each delivery under each of {@code secrets}. */
    public NodeWebhookVerifier(JsonMapper json, List<String> secrets) {
        requireNode();
        install();
        try {
            ProcessBuilder builder = new ProcessBuilder("node", "receiver.mjs").directory(INSTALL.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("SECRETS", json.writeValueAsString(secrets));
            process = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Map<String, Object> first = json.readValue(out.readLine(), Argument.mapOf(String.class, Object.class));
            port = ((Number) first.get("port")).intValue();
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(json.readValue(line, Argument.mapOf(String.class, Object.class)));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "node-webhook-verifier");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks";
    }

    /** Waits (bounded) for the receiver's verdict on the delivery of event {@code id}. */
    @SuppressWarnings("unchecked")
    public Verdict verdict(String id) {
        Await.until(() -> lines.stream().anyMatch(l -> id.equals(l.get("id"))), "the Node receiver's verdict on " + id,
                Duration.ofSeconds(10));
        Map<String, Object> line = lines.stream().filter(l -> id.equals(l.get("id"))).findFirst().orElseThrow();
        return new Verdict(id, (List<Boolean>) line.get("verified"), (List<List<Boolean>>) line.get("each_signature"),
                (List<String>) line.get("legacy_headers"));
    }

    public int received() {
        return lines.size();
    }

    @Override
    public void close() {
        process.destroy();
    }

    private static void requireNode() {
        String problem;
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            problem = version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0 ? null : "node --version failed";
        } catch (IOException e) {
            problem = "node is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(problem + ": CI must verify webhooks with the standardwebhooks npm package");
            }
            Assumptions.abort(problem + ": skipping the Standard Webhooks check with Node");
        }
    }

    private static synchronized void install() {
        try {
            Files.createDirectories(INSTALL);
            boolean changed = false;
            for (String file : List.of("package.json", "package-lock.json", "receiver.mjs")) {
                Path target = INSTALL.resolve(file);
                byte[] source = Files.readAllBytes(SOURCE.resolve(file));
                if (!Files.exists(target) || !Arrays.equals(source, Files.readAllBytes(target))) {
                    Files.copy(SOURCE.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
                    changed = true;
                }
            }
            if (!changed && Files.isDirectory(INSTALL.resolve("node_modules/standardwebhooks"))) {
                return;
            }
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(INSTALL.toFile()).redirectErrorStream(true)
                    .redirectOutput(INSTALL.resolve("npm-ci.log").toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                Assertions.fail("npm ci failed, see " + INSTALL.resolve("npm-ci.log").toAbsolutePath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
