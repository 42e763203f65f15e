package io.sentryconnect.support;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check the integration classes share must be able to fail: a logged value, or nothing to search for. */
@Tag("unit")
class LogLeakCheckTest {
    @Test
    void aValueThatWasLoggedFailsTheCheck() {
        String secret = "leak-probe-" + UUID.randomUUID();
        LoggerFactory.getLogger(LogLeakCheckTest.class).info("handled {}", secret);
        LogLeakCheck check = LogLeakCheck.searching().alwaysSearch("never-logged-" + UUID.randomUUID());
        check.saw(secret);
        assertThrows(AssertionFailedError.class, check::assertNoneLogged);
    }

    @Test
    void aValueASourceListsAtTheEndIsSearchedToo() {
        String secret = "leak-probe-" + UUID.randomUUID();
        LogLeakCheck check = LogLeakCheck.searching(() -> List.of(secret));
        assertDoesNotThrow(check::assertNoneLogged);
        LoggerFactory.getLogger(LogLeakCheckTest.class).info("failed", new IllegalStateException("token " + secret));
        assertThrows(AssertionFailedError.class, check::assertNoneLogged);
    }

    @Test
    void aCheckWithTooFewValuesFails() {
        assertThrows(AssertionFailedError.class, LogLeakCheck.searching()::assertNoneLogged);
        LogLeakCheck two = LogLeakCheck.searching(() -> List.of("not-logged-" + UUID.randomUUID())).atLeast(2);
        assertThrows(AssertionFailedError.class, two::assertNoneLogged);
    }

    @Test
    void theTidyUpRunsEvenWhenTheSearchFails() {
        AtomicBoolean tidied = new AtomicBoolean();
        LogLeakCheck check = LogLeakCheck.searching().afterwards(() -> tidied.set(true));
        assertThrows(AssertionFailedError.class, () -> check.afterAll(null));
        assertTrue(tidied.get());
    }
}
