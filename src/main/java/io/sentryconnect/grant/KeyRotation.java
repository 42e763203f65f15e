package io.sentryconnect.grant;

import io.sentryconnect.database.Sql;
import io.sentryconnect.token.Secret;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One batch of key rotation: grants' tokens re-encrypted under the primary key ({@link TokenReencryption} runs it). */
@Singleton
class KeyRotation {
    /**
     * FOR UPDATE SKIP LOCKED: a grant being refreshed right now is passed over (the refresh writes with the primary key
     * anyway) and the service keeps serving; two rotations at once take disjoint rows.
     */
    private static final String STALE = "SELECT id, tenant_id, access_token, refresh_token FROM sentry_connect_grant "
            + "WHERE access_token IS NOT NULL AND (key_id IS NULL OR key_id <> ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";
    /** The token version is not bumped: the tokens themselves do not change. */
    private static final String REWRITE = "UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, key_id = ? WHERE id = ?";

    private final Sql jdbc;
    private final TokenColumns tokens;

    KeyRotation(Sql jdbc, TokenColumns tokens) {
        this.jdbc = jdbc;
        this.tokens = tokens;
    }

    /** A row whose tokens are under another key than the primary one. */
    private record StaleRow(UUID id, String tenantId, byte[] accessToken, byte[] refreshToken) {
    }

    /**
     * Re-encrypts up to {@code limit} grants whose tokens are not under the primary key, in one transaction. Returns how
     * many rows it re-encrypted: 0 means done.
     */
    @Transactional
    public int reencryptBatch(int limit) {
        List<StaleRow> rows = jdbc.prepareStatement(STALE, ps -> {
            GrantRows.bind(ps, tokens.primaryKeyId(), limit);
            List<StaleRow> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new StaleRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
                }
            }
            return found;
        });
        for (StaleRow row : rows) {
            Secret access = tokens.accessToken(row.tenantId(), row.id(), row.accessToken());
            Secret refresh = tokens.refreshToken(row.tenantId(), row.id(), row.refreshToken());
            TokenColumns.Sealed sealed = tokens.seal(row.tenantId(), row.id(), access, refresh);
            jdbc.prepareStatement(REWRITE, ps -> GrantRows.bind(ps, sealed.accessToken(), sealed.refreshToken(),
                    sealed.keyId(), row.id()).executeUpdate());
        }
        return rows.size();
    }
}
