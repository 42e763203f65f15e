package io.sentryconnect.token;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The formats are those of ciphertexts already stored: a change would make every stored token undecryptable. */
@Tag("unit")
class AssociatedDataTest {
    private static final UUID GRANT = UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff");

    @Test
    void aGrantTokenIsBoundToTenantGrantAndColumn() {
        assertEquals("sentry-connect:grant:2:t1:6f9619ff-8b86-d011-b42d-00c04fc964ff:access",
                AssociatedData.grantToken("t1", GRANT, "access"));
        assertEquals("sentry-connect:grant:2:t1:6f9619ff-8b86-d011-b42d-00c04fc964ff:refresh",
                AssociatedData.grantToken("t1", GRANT, "refresh"));
    }

    @Test
    void theTenantsLengthKeepsTenantIdsWithColonsApart() {
        assertNotEquals(AssociatedData.grantToken("a:b", GRANT, "access"), AssociatedData.grantToken("a", GRANT, "access"));
        assertEquals("sentry-connect:grant:3:a:b:6f9619ff-8b86-d011-b42d-00c04fc964ff:access",
                AssociatedData.grantToken("a:b", GRANT, "access"));
    }

    @Test
    void aLinkStatesVerifierIsBoundToTheStatesHash() {
        byte[] hash = HexFormat.of().parseHex("00ff10ab");
        assertEquals("sentry-connect:link-state:00ff10ab:code_verifier", AssociatedData.linkStateVerifier(hash));
    }
}
