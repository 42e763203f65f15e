package io.sentryconnect.standin;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random hex strings for tokens and codes, as Sentry makes them ({@code secrets.token_hex(32)}). */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** 64 hex characters. */
    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
