package io.sentryconnect.token;

import io.sentryconnect.PluginJobs;
import io.sentryconnect.database.Sql;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * Refreshes grants whose access token nears expiry before anyone calls with them, in bounded batches. A batch is
 * claimed in its own short transaction ({@link TokenStore#claimDueForRefresh}: {@code FOR UPDATE SKIP LOCKED} and
 * a lease), then each grant goes through the same {@link TokenRefresher} as calls do, with its row lock and version
 * re-check, so a call refreshing the same grant at the same moment causes no second token request.
 */
@Singleton
@Requires(property = "sentry-connect.refresh.background.enabled", notEquals = "false")
public class BackgroundRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRefresher.class);
    private final TokenStore store;
    private final TokenRefresher refresher;
    private final TransactionOperations<Connection> transactions;
    private final int batchSize;
    private final Duration lease;

    BackgroundRefresher(TokenStore store, TokenRefresher refresher, Sql database,
                        @Value("${sentry-connect.refresh.background.batch-size:50}") int batchSize,
                        @Value("${sentry-connect.refresh.background.lease:2m}") Duration lease) {
        this.store = store;
        this.refresher = refresher;
        this.transactions = database.transactions();
        this.batchSize = batchSize;
        this.lease = lease;
    }

    @Scheduled(scheduler = PluginJobs.NAME, fixedDelay = "${sentry-connect.refresh.background.interval:30s}", initialDelay = "${sentry-connect.refresh.background.initial-delay:10s}")
    void scheduled() {
        runOnce();
    }

    /** One batch; returns how many grants it refreshed (for tests and the log). */
    public int runOnce() {
        List<TokenStore.DueGrant> due = transactions.executeWrite(status -> store.claimDueForRefresh(batchSize, lease));
        int refreshed = 0;
        for (TokenStore.DueGrant grant : due) {
            try {
                refresher.refresh(grant.grantId(), grant.version());
                refreshed++;
            } catch (GrantRejectedException e) {
                LOG.info("Background refresh: grant {} is {}", grant.grantId(), e.status().value());
            } catch (TokenRequestFailed e) {
                LOG.warn("Background refresh of grant {} failed ({}); retried when its lease ends", grant.grantId(), e.kind());
            } catch (RuntimeException e) {
                LOG.error("Background refresh of grant {} failed ({})", grant.grantId(), e.getClass().getName());
            }
        }
        if (!due.isEmpty()) {
            LOG.info("Background refresh: {} of {} due grants refreshed", refreshed, due.size());
        }
        return refreshed;
    }
}
