package io.sentryconnect.support;

import io.sentryconnect.testing.LogCapture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log leak check of a test class: after the class, every captured log line of the run ({@link LogCapture}) is
 * searched for each real secret value the class handled, and the class fails if one appears. The values are those the
 * tests {@link #saw}, the fixed ones ({@link #alwaysSearch}) and what each source lists at the end (the tokens and
 * verifiers as stored, decrypted). Register it on an instance field with {@code @RegisterExtension}; the test classes
 * are per-class, so it runs after the class's own {@code @AfterAll} methods and before the application context closes.
 */
public final class LogLeakCheck implements AfterAllCallback {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Supplier<? extends Collection<String>>> sources = new ArrayList<>();
    private int atLeast = 1;
    private Runnable afterwards = () -> {
    };

    /** A check that searches, at the end, for every value the sources then list (read once, after the last test). */
    @SafeVarargs
    public static LogLeakCheck searching(Supplier<? extends Collection<String>>... sources) {
        LogLeakCheck check = new LogLeakCheck();
        check.sources.addAll(List.of(sources));
        return check;
    }

    /** Secrets known before any test runs: configured client or partner secrets. */
    public LogLeakCheck alwaysSearch(String... secrets) {
        seen.addAll(List.of(secrets));
        return this;
    }

    /** Fails the check when fewer values than this were searched for, so that it cannot pass by having nothing to look at. */
    public LogLeakCheck atLeast(int values) {
        atLeast = values;
        return this;
    }

    /** Runs after the search, whether it passed or not (tidying the class's rows away from other classes' checks). */
    public LogLeakCheck afterwards(Runnable tidyUp) {
        afterwards = tidyUp;
        return this;
    }

    /** Records a secret a test handled (a ticket, a state, a code, a cookie value) and returns it. */
    public String saw(String secret) {
        seen.add(secret);
        return secret;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            assertNoneLogged();
        } finally {
            afterwards.run();
        }
    }

    /** The search itself: every value, in every captured line. */
    public void assertNoneLogged() {
        List<String> secrets = new ArrayList<>(seen);
        sources.forEach(source -> secrets.addAll(source.get()));
        assertTrue(secrets.size() >= atLeast, "the leak check has " + secrets.size() + " secrets to look for, expected at least " + atLeast);
        for (String secret : secrets) {
            assertEquals(List.of(), LogCapture.linesContaining(secret), "a secret appears in the logs");
        }
    }
}
