package io.sentryconnect.token;

import java.util.HexFormat;
import java.util.UUID;

/**
 * The associated data each encrypted column is bound to ({@link TokenCipher}), written here and nowhere else: a
 * ciphertext copied to another row or column does not decrypt. The formats are stored data's, so they never change.
 */
public final class AssociatedData {
    private AssociatedData() {
    }

    /**
     * A grant's token column ({@code access} or {@code refresh}): bound to tenant and grant; the tenant's length
     * comes first, so that no tenant id can be read as another tenant id and a grant id.
     */
    public static String grantToken(String tenantId, UUID grantId, String column) {
        return "sentry-connect:grant:" + tenantId.length() + ":" + tenantId + ":" + grantId + ":" + column;
    }

    /** A link state's PKCE verifier: bound to the state (by its SHA-256 hash). */
    public static String linkStateVerifier(byte[] stateHash) {
        return "sentry-connect:link-state:" + HexFormat.of().formatHex(stateHash) + ":code_verifier";
    }
}
