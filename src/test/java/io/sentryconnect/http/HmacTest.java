package io.sentryconnect.http;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@Tag("unit")
class HmacTest {

    @Test
    void matchesTheRfc4231TestVector() {
        // RFC 4231, test case 2.
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                Hmac.sha256Hex(bytes("Jefe"), bytes("what do ya want for nothing?")));
    }

    @Test
    void partsAreSignedAsOneMessageInOrder() {
        assertEquals(Hmac.sha256Hex(bytes("Jefe"), bytes("what do ya want for nothing?")),
                Hmac.sha256Hex(bytes("Jefe"), bytes("what do ya "), bytes("want for nothing?")));
        assertNotEquals(Hmac.sha256Hex(bytes("Jefe"), bytes("b"), bytes("a")),
                Hmac.sha256Hex(bytes("Jefe"), bytes("a"), bytes("b")));
    }

    @Test
    void theProvisioningSignatureIsTheHexHmacOfTheExactBodyUnderThePartnerKey() {
        // As Sentry recomputes X-Request-Signature (value computed with `openssl dgst -sha256 -hmac partner-key`).
        assertEquals("b30d079c08a7487d34253de77aa8c24b91fb3789b37f186d2c0028862a180fdb",
                Hmac.sha256Hex(bytes("partner-key"), bytes("{\"channel\":\"acme\"}")));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
