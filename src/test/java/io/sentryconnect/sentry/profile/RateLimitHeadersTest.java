package io.sentryconnect.sentry.profile;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class RateLimitHeadersTest {
    private static final SentryProfile.RateLimitHeaders HEADERS = SentryProfile.SENTRY.rateLimit();
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void theResetInEpochSecondsBecomesSecondsFromNow() {
        assertEquals(OptionalLong.of(7), HEADERS.secondsUntilReset("1700000007", NOW));
        assertEquals(OptionalLong.of(7), HEADERS.secondsUntilReset(" 1700000007 ", NOW));
    }

    @Test
    void aResetNowOrPastMeansOneSecond() {
        assertEquals(OptionalLong.of(1), HEADERS.secondsUntilReset("1700000000", NOW));
        assertEquals(OptionalLong.of(1), HEADERS.secondsUntilReset("1600000000", NOW));
    }

    @Test
    void aResetThatIsNoNumberIsUnknown() {
        assertEquals(OptionalLong.empty(), HEADERS.secondsUntilReset("soon", NOW));
        assertEquals(OptionalLong.empty(), HEADERS.secondsUntilReset("", NOW));
        assertEquals(OptionalLong.empty(), HEADERS.secondsUntilReset("1700000007.5", NOW));
    }

    @Test
    void theRemainingCountIsReadWhenItIsANumber() {
        assertEquals(OptionalLong.of(39), HEADERS.remainingOf("39"));
        assertEquals(OptionalLong.of(0), HEADERS.remainingOf(" 0"));
        assertEquals(OptionalLong.empty(), HEADERS.remainingOf("many"));
    }
}
