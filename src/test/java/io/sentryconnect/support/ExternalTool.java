package io.sentryconnect.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A program outside the JVM that a test runs (node, python3). Missing, the test is skipped on a developer's machine and
 * fails on CI ({@code CI=true}), where the program is part of the machine.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** Runs {@code program --version}; aborts or fails the calling test, saying {@code why} it needs the program, if that does not succeed. */
    public static void require(String program, String why) {
        String problem;
        try {
            Process version = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            problem = version.waitFor(30, TimeUnit.SECONDS) && version.exitValue() == 0 ? null : program + " --version failed";
        } catch (IOException e) {
            problem = program + " is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(problem + ": CI must " + why);
            }
            Assumptions.abort(problem + ": skipping, as off CI; on CI this test must " + why);
        }
    }
}
