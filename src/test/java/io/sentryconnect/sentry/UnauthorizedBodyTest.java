package io.sentryconnect.sentry;

import io.micronaut.http.HttpResponse;
import io.sentryconnect.sentry.profile.SentryProfile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a 401's message is read from Sentry's body. Not in the unit tier: the JSON mapper takes seconds to start. */
class UnauthorizedBodyTest {
    private static final Unauthorized UNAUTHORIZED = new Unauthorized();

    @Test
    void theDetailMemberIsTheMessage() {
        assertEquals("Invalid token", UNAUTHORIZED.message(answer("{\"detail\": \"Invalid token\"}")));
        assertEquals(SentryProfile.Unauthorized.UNKNOWN_TOKEN, UNAUTHORIZED.meaning(answer("{\"detail\": \"Invalid token\"}")));
        assertEquals(SentryProfile.Unauthorized.TOKEN_FAILURE, UNAUTHORIZED.meaning(answer("{\"detail\": \"Token expired\"}")));
        assertThrows(RequestScopeRefused.class,
                () -> UNAUTHORIZED.meaning(answer("{\"detail\": \"Unauthorized organization access.\"}")));
    }

    @Test
    void aBodyWithoutAReadableDetailIsUnrecognisedNotATokenFailure() {
        for (String body : new String[] {"", "not json", "<html><body>401 Authorization Required</body></html>",
                "[\"Invalid token\"]", "{\"detail\": 401}", "{\"detail\": {\"message\": \"Invalid token\"}}", "{}", "null"}) {
            assertEquals(SentryProfile.Unauthorized.UNRECOGNISED, UNAUTHORIZED.meaning(answer(body)), body);
            assertEquals("", UNAUTHORIZED.message(answer(body)), body);
        }
    }

    @Test
    void anOversizedBodyIsNotRead() {
        String padding = " ".repeat(5000);
        assertEquals("", UNAUTHORIZED.message(answer("{\"detail\": \"Invalid token\"" + padding + "}")));
    }

    private static HttpResponse<byte[]> answer(String body) {
        return HttpResponse.<byte[]>unauthorized().body(body.getBytes(StandardCharsets.UTF_8));
    }
}
