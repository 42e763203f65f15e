package io.sentryconnect.sentry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 401 classification: which of Sentry's 401s refuse the URL, which the token, and which may be replication lag.
 * Reading the message out of a body is {@link UnauthorizedBodyTest}'s.
 */
@Tag("unit")
class UnauthorizedTest {

    @Test
    void aRefusalOfTheUrlForTheTokensOrganizationIsNoTokenFailure() {
        RequestScopeRefused refused = assertThrows(RequestScopeRefused.class,
                () -> Unauthorized.unknownToken("Unauthorized organization access."));
        assertEquals("Unauthorized organization access.", refused.sentryMessage());
        assertThrows(RequestScopeRefused.class,
                () -> Unauthorized.unknownToken("This token access is limited to organization endpoints."));
        // Sentry has written it without the full stop too (its soft-launch version): the same refusal.
        for (String variant : new String[] {"Unauthorized organization access", " Unauthorized organization access. "}) {
            assertThrows(RequestScopeRefused.class, () -> Unauthorized.unknownToken(variant), variant);
        }
    }

    @Test
    void invalidTokenIsTheFailureThatReplicationLagCanCause() {
        assertTrue(Unauthorized.unknownToken("Invalid token"));
    }

    @Test
    void otherTokenFailuresAndUnrecognisedMessagesAreNotWorthWaitingFor() {
        for (String message : new String[] {"Token expired", "User inactive or deleted", "UserApplication inactive or deleted",
                "Something new", "invalid token", ""}) {
            assertFalse(Unauthorized.unknownToken(message), message);
        }
    }
}
