package io.sentryconnect.grant;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.StoredTokens;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The grant's two token columns, encrypted with {@link TokenCipher} under associated data that names the tenant, the
 * grant and the column: a ciphertext decrypts only in the row and column it was written for. Every token write and read
 * of the grant table goes through here.
 */
@Singleton
final class TokenColumns {
    private final TokenCipher cipher;

    TokenColumns(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /** A grant's tokens encrypted for its row, with the id of the key that encrypted them ({@code key_id}). */
    record Sealed(byte[] accessToken, byte @Nullable [] refreshToken, int keyId) {
    }

    /** Encrypts the tokens for row {@code grantId} of {@code tenantId} under the primary key; a null refresh token stays null. */
    Sealed seal(String tenantId, UUID grantId, Secret accessToken, @Nullable Secret refreshToken) {
        return new Sealed(cipher.encrypt(accessToken, ad(tenantId, grantId, "access")),
                refreshToken == null ? null : cipher.encrypt(refreshToken, ad(tenantId, grantId, "refresh")),
                cipher.primaryKeyId());
    }

    /** The id of the key new ciphertexts are written under. */
    int primaryKeyId() {
        return cipher.primaryKeyId();
    }

    @Nullable
    Secret accessToken(String tenantId, UUID grantId, byte @Nullable [] ciphertext) {
        return ciphertext == null ? null : cipher.decrypt(ciphertext, ad(tenantId, grantId, "access"));
    }

    @Nullable
    Secret refreshToken(String tenantId, UUID grantId, byte @Nullable [] ciphertext) {
        return ciphertext == null ? null : cipher.decrypt(ciphertext, ad(tenantId, grantId, "refresh"));
    }

    /**
     * The row's tokens, decrypted: {@code token_version}, {@code access_token} and {@code token_issued_at} must be
     * selected, and {@code refresh_token} too when {@code withRefresh}.
     */
    StoredTokens read(ResultSet rs, Grant grant, boolean withRefresh) throws SQLException {
        return new StoredTokens(grant.id(), grant.tenantId(), grant.status(), grant.statusReason(), rs.getLong("token_version"),
                accessToken(grant.tenantId(), grant.id(), rs.getBytes("access_token")),
                withRefresh ? refreshToken(grant.tenantId(), grant.id(), rs.getBytes("refresh_token")) : null,
                GrantRows.instant(rs, "token_issued_at"), grant.expiresAt());
    }

    /** Associated data of a token ciphertext: it decrypts only in the row and column it was written for. */
    static String ad(String tenantId, UUID grantId, String column) {
        return AssociatedData.grantToken(tenantId, grantId, column);
    }
}
