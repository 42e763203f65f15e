package io.sentryconnect.grant;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.database.Sql;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One batch of key rotation: grants' tokens re-encrypted under the primary key ({@link TokenReencryption} runs it). */
@Singleton
class KeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    /** Below every grant id: where a run's first batch starts. */
    static final UUID START = new UUID(0, 0);

    /**
     * FOR UPDATE SKIP LOCKED: a grant being refreshed right now is passed over (the refresh writes with the primary key
     * anyway) and the service keeps serving; two rotations at once take disjoint rows. {@code id > ?}: each batch starts
     * after the last row of the one before, so a row left stale (it does not decrypt) is not taken again and again.
     */
    private static final String STALE = "SELECT id, tenant_id, access_token, refresh_token FROM sentry_connect_grant "
            + "WHERE access_token IS NOT NULL AND (key_id IS NULL OR key_id <> ?) AND id > ? ORDER BY id LIMIT ? "
            + "FOR UPDATE SKIP LOCKED";
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
     * What one batch did: rows re-encrypted, rows skipped because their tokens decrypt under no configured key, and
     * the id of its last row, after which the next batch starts ({@code null}: it found none).
     */
    record Batch(int reencrypted, int undecryptable, @Nullable UUID last) {
        int found() {
            return reencrypted + undecryptable;
        }
    }

    /**
     * Re-encrypts up to {@code limit} grants after {@code after} (in id order) whose tokens are not under the primary
     * key, in one transaction. A row that does not decrypt is left as it is and counted: one bad row must not stop
     * the rotation of all the rows after it.
     */
    @Transactional(DatabaseProperties.DATASOURCE)
    public Batch reencryptBatch(int limit, UUID after) {
        List<StaleRow> rows = jdbc.prepareStatement(STALE, ps -> {
            GrantRows.bind(ps, tokens.primaryKeyId(), after, limit);
            List<StaleRow> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new StaleRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
                }
            }
            return found;
        });
        int undecryptable = 0;
        for (StaleRow row : rows) {
            Secret access;
            Secret refresh;
            try {
                access = tokens.accessToken(row.tenantId(), row.id(), row.accessToken());
                refresh = tokens.refreshToken(row.tenantId(), row.id(), row.refreshToken());
            } catch (TokenCipher.TokenDecryptionException e) {
                LOG.warn("Grant {}: its tokens decrypt under no configured key; left as they are", row.id());
                undecryptable++;
                continue;
            }
            TokenColumns.Sealed sealed = tokens.seal(row.tenantId(), row.id(), access, refresh);
            jdbc.prepareStatement(REWRITE, ps -> GrantRows.bind(ps, sealed.accessToken(), sealed.refreshToken(),
                    sealed.keyId(), row.id()).executeUpdate());
        }
        return new Batch(rows.size() - undecryptable, undecryptable, rows.isEmpty() ? null : rows.get(rows.size() - 1).id());
    }
}
