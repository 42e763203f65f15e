package io.sentryconnect.sentry;

import io.micronaut.http.HttpResponse;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a 401's message is read from Sentry's body. Not in the unit tier: the JSON mapper takes seconds to start. */
class UnauthorizedBodyTest {
    private static final Unauthorized UNAUTHORIZED = new Unauthorized(JsonMapper.createDefault());

    @Test
    void theDetailMemberIsTheMessage() {
        assertEquals("Invalid token", UNAUTHORIZED.message(answer("{\"detail\": \"Invalid token\"}")));
        assertTrue(UNAUTHORIZED.unknownToken(answer("{\"detail\": \"Invalid token\"}")));
        assertFalse(UNAUTHORIZED.unknownToken(answer("{\"detail\": \"Token expired\"}")));
        assertThrows(RequestScopeRefused.class,
                () -> UNAUTHORIZED.unknownToken(answer("{\"detail\": \"Unauthorized organization access.\"}")));
    }

    @Test
    void aBodyWithoutAReadableDetailIsATokenFailure() {
        for (String body : new String[] {"", "not json", "[\"Invalid token\"]", "{\"detail\": 401}", "{}", "null"}) {
            assertFalse(UNAUTHORIZED.unknownToken(answer(body)), body);
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
