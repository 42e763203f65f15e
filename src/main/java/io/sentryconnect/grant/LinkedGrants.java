package io.sentryconnect.grant;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.events.EventOutbox;
import io.sentryconnect.token.RefreshPolicy;
import io.sentryconnect.token.SentryTokens;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Records completed OAuth links: a new grant, or an existing one updated in place (reconnect). */
@Singleton
public class LinkedGrants {
    /** The row lock on the (tenant, user, org) grant: a concurrent link of the same org waits here, then updates. */
    private static final String LOCK_OWNER_ORG = "SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ? "
            + "AND org_id = ? AND kind = 'oauth' FOR UPDATE";
    /** The row lock of a reconnect: a disconnect or another reconnect of the grant waits until this one commits. */
    private static final String LOCK_FOR_RECONNECT = "SELECT org_id FROM sentry_connect_grant WHERE id = ? AND tenant_id = ? FOR UPDATE";
    private static final String SCOPES = "SELECT scopes FROM sentry_connect_grant WHERE id = ?";
    /** The unique constraint decides between two concurrent first links: the loser inserts nothing and updates. */
    private static final String INSERT = "INSERT INTO sentry_connect_grant (id, tenant_id, user_id, kind, status, org_id, "
            + "org_slug, org_name, region_url, sentry_user_id, sentry_user_name, sentry_user_email, scopes, access_token, "
            + "refresh_token, token_issued_at, expires_at, last_refreshed_at, token_version, created_at, updated_at, key_id, "
            + "refresh_due_at) VALUES (?, ?, ?, 'oauth', 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?, ?, ?) "
            + "ON CONFLICT (tenant_id, user_id, org_id) WHERE kind = 'oauth' DO NOTHING RETURNING " + GrantRows.COLUMNS;
    /** Bumps token_version: a refresh that read the old tokens sees the change under the row lock and does not overwrite it. */
    private static final String UPDATE = "UPDATE sentry_connect_grant SET status = 'active', status_reason = NULL, org_id = ?, "
            + "org_slug = ?, org_name = ?, region_url = ?, sentry_user_id = ?, sentry_user_name = ?, sentry_user_email = ?, "
            + "scopes = ?, access_token = ?, refresh_token = ?, token_issued_at = ?, expires_at = ?, key_id = ?, "
            + "refresh_due_at = ?, refresh_claimed_until = NULL, token_version = token_version + 1, updated_at = ? "
            + "WHERE id = ? RETURNING " + GrantRows.COLUMNS;

    private final Sql jdbc;
    private final TokenColumns tokens;
    private final RefreshPolicy refreshPolicy;
    private final GrantEvents events;
    private final Clock clock;

    LinkedGrants(Sql jdbc, TokenColumns tokens, RefreshPolicy refreshPolicy, GrantEvents events,
                 @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.refreshPolicy = refreshPolicy;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records a completed link: a new grant, or the same (tenant, user, org)'s grant updated in place with the new
     * tokens and scopes. Two concurrent links of the same org by the same user meet at the unique index
     * {@code sentry_connect_grant_owner_org_uq} (OAuth grants only: the tenant's provisioned grant is never a user's, so
     * its provisioner's own link of that org is a grant of its own): the loser's insert waits for the winner's commit and then does nothing,
     * and the loser updates the winner's row under its lock. (A row deleted between the two statements: once more.)
     */
    @Transactional(DatabaseProperties.DATASOURCE)
    public Grant upsertLinked(LinkedAuthorization link) {
        for (int attempt = 0; attempt < 3; attempt++) {
            // The insert first: a first link, the common case, is then one statement before its event.
            Optional<Grant> inserted = insert(UUID.randomUUID(), link);
            if (inserted.isPresent()) {
                return events.emit(EventOutbox.Type.CONNECTED, inserted.get());
            }
            Optional<UUID> existing = jdbc.prepareStatement(LOCK_OWNER_ORG, ps -> {
                GrantRows.bind(ps, link.tenantId(), link.userId(), link.organization().id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.<UUID>empty();
                }
            });
            if (existing.isPresent()) {
                return reconnected(existing.get(), link);
            }
        }
        throw new IllegalStateException("grant upsert did not settle after 3 attempts");
    }

    /**
     * Records a completed reconnect of one grant: same organization → reactivated in place (scopes may grow);
     * another organization → {@link OrgMismatchException} and nothing changes.
     *
     * @throws GrantNotFound the grant was deleted while the flow was bound to it
     */
    @Transactional(DatabaseProperties.DATASOURCE)
    public Grant reconnect(UUID grantId, LinkedAuthorization link) {
        String orgId = jdbc.prepareStatement(LOCK_FOR_RECONNECT, ps -> {
            GrantRows.bind(ps, grantId, link.tenantId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
        if (orgId == null) {
            throw new GrantNotFound();
        }
        if (!orgId.equals(link.organization().id())) {
            throw new OrgMismatchException();
        }
        return reconnected(grantId, link);
    }

    /**
     * An update in place and its events: {@code grant.reconnected}, then {@code grant.scopes_changed} when Sentry
     * granted another scope set. The caller holds the row lock, so the scopes read here are the ones replaced.
     */
    private Grant reconnected(UUID id, LinkedAuthorization link) {
        List<String> before = jdbc.prepareStatement(SCOPES, ps -> {
            GrantRows.bind(ps, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ScopeChange.parse(rs.getString(1)) : List.<String>of();
            }
        });
        Grant grant = events.emit(EventOutbox.Type.RECONNECTED, update(id, link));
        ScopeChange.between(before, grant.scopes())
                .ifPresent(change -> events.emit(EventOutbox.Type.SCOPES_CHANGED, grant, change.details()));
        return grant;
    }

    private Optional<Grant> insert(UUID id, LinkedAuthorization link) {
        Instant now = clock.instant();
        SentryTokens granted = link.tokens();
        TokenColumns.Sealed sealed = tokens.seal(link.tenantId(), id, granted.accessToken(), granted.refreshToken());
        List<Object> values = new ArrayList<>(List.of(id, link.tenantId(), link.userId()));
        values.addAll(linkColumns(link));
        values.addAll(Arrays.asList(sealed.accessToken(), sealed.refreshToken(), granted.issuedAt(), granted.expiresAt(),
                now, now, sealed.keyId(), refreshDueAt(granted)));
        return jdbc.prepareStatement(INSERT, ps -> GrantRows.optional(GrantRows.bind(ps, values.toArray())));
    }

    private Grant update(UUID id, LinkedAuthorization link) {
        SentryTokens granted = link.tokens();
        TokenColumns.Sealed sealed = tokens.seal(link.tenantId(), id, granted.accessToken(), granted.refreshToken());
        List<Object> values = new ArrayList<>(linkColumns(link));
        values.addAll(Arrays.asList(sealed.accessToken(), sealed.refreshToken(), granted.issuedAt(), granted.expiresAt(),
                sealed.keyId(), refreshDueAt(granted), clock.instant(), id));
        return jdbc.prepareStatement(UPDATE, ps -> GrantRows.single(GrantRows.bind(ps, values.toArray())));
    }

    /** org_id … scopes, in the order both statements name them. */
    private static List<Object> linkColumns(LinkedAuthorization link) {
        Grant.Organization org = link.organization();
        Grant.SentryUserRef user = link.sentryUser();
        return Arrays.asList(org.id(), org.slug(), org.name(), org.regionUrl(), user == null ? null : user.id(),
                user == null ? null : user.name(), user == null ? null : user.email(), GrantRows.scopes(link.tokens().scopes()));
    }

    /** Only a grant with a refresh token is refreshed in the background. */
    @Nullable
    private Instant refreshDueAt(SentryTokens granted) {
        return granted.refreshToken() == null ? null : refreshPolicy.dueAt(granted.issuedAt(), granted.expiresAt());
    }
}
