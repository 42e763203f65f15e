package io.sentryconnect.support;

import io.micronaut.core.annotation.Nullable;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code GET /api/v1/events} as a platform backend polls it. */
public final class GrantEvents {
    private GrantEvents() {
    }

    /** The events the caller of {@code jwt} may see, after {@code after} (a cursor) or from the start. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(String serviceUrl, LinkDriver driver, String jwt, @Nullable String after) {
        awaitEarlierTransactions();
        return listNow(serviceUrl, driver, jwt, after);
    }

    /** The same, at once, without waiting for older transactions (for a test that holds one open itself). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> listNow(String serviceUrl, LinkDriver driver, String jwt, @Nullable String after) {
        HttpResponse<String> response = new Http().get(serviceUrl + "/api/v1/events" + (after == null ? "" : "?after=" + after), Http.bearer(jwt));
        assertEquals(200, response.statusCode(), response.body());
        return (List<Map<String, Object>>) driver.map("{\"e\":" + response.body() + "}").get("e");
    }

    /**
     * The API lists an event once every transaction that began before it has ended (its transaction id below the
     * snapshot's xmin), so that a poller never skips one that commits late. Any open transaction on the server holds
     * that back for a moment, the service's own background work or another build on the same PostgreSQL: wait until
     * every transaction older than now has ended, so that a test reads every event it caused.
     */
    public static void awaitEarlierTransactions() {
        Object now = TestDatabase.query("SELECT pg_current_xact_id()::text AS x").get(0).get("x");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!Boolean.TRUE.equals(TestDatabase.query(
                "SELECT pg_snapshot_xmin(pg_current_snapshot()) > ?::xid8 AS done", now).get(0).get("done"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a transaction older than " + now + " is still open after 30 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
