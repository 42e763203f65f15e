package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;
import io.sentryconnect.support.TestDatabase;
import org.flywaydb.core.Flyway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark 4: 1,000,000 grants (10,000 tenants × 10 users × 10 organizations; 90% active, 7% revoked, 3%
 * disconnected; token ages spread so that about 1% of active grants are due for refresh) in a throw-away schema,
 * bulk-inserted with {@code generate_series}; ciphertexts are dummy bytes, since no row here is ever decrypted.
 * Times the service's own queries (the SQL of the grant package's queries) over JDBC and prints their plans, then the
 * listing endpoint over HTTP through a service process on the same schema.
 */
public final class ScaleBench {
    private static final int GRANTS = Integer.getInteger("bench.grants", 1_000_000);
    private static final int TENANTS = 10_000;
    private static final int ITERATIONS = Integer.getInteger("bench.iterations", 1000);
    private static final String COLUMNS = "id, tenant_id, user_id, kind, status, status_reason, org_id, org_slug, org_name, "
            + "region_url, sentry_user_id, sentry_user_name, sentry_user_email, scopes, expires_at, created_at, updated_at, last_refreshed_at";
    private static final String USER_LIST = "SELECT " + COLUMNS + " FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ? "
            + "AND status <> 'disconnected' ORDER BY id LIMIT 50";
    private static final String TENANT_LIST = "SELECT " + COLUMNS + " FROM sentry_connect_grant WHERE tenant_id = ? "
            + "AND status <> 'disconnected' ORDER BY id LIMIT 50";
    private static final String DUE = "SELECT id, token_version FROM sentry_connect_grant WHERE status = 'active' "
            + "AND refresh_due_at <= ? AND (refresh_claimed_until IS NULL OR refresh_claimed_until < ?) "
            + "ORDER BY refresh_due_at LIMIT 50 FOR UPDATE SKIP LOCKED";
    private static final String BY_ID = "SELECT " + COLUMNS + ", token_version, access_token, refresh_token, token_issued_at "
            + "FROM sentry_connect_grant WHERE id = ? AND tenant_id = ?";

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Bench.printMachine("scale");
        var database = TestDatabase.database();
        Flyway.configure().dataSource(database.url(), database.username(), database.password())
                .schemas(database.schema()).defaultSchema(database.schema())
                // The service's own location and history table, so the service process started later finds it done.
                .locations("classpath:io/sentryconnect/db/migration").table("sentry_connect_schema_history").load().migrate();
        try (Connection c = TestDatabase.connection(); Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            st.execute(insertSql());
            st.execute("ANALYZE sentry_connect_grant");
            System.out.printf(Locale.ROOT, "inserted %,d grants and analyzed in %.1f s (schema %s)%n", GRANTS, (System.nanoTime() - t0) / 1e9, database.schema());
            try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'active' AND refresh_due_at <= now()), "
                    + "pg_size_pretty(pg_total_relation_size('sentry_connect_grant')) FROM sentry_connect_grant")) {
                rs.next();
                System.out.printf(Locale.ROOT, "active %,d, due now %,d, table with indexes %s%n", rs.getLong(1), rs.getLong(2), rs.getString(3));
            }
        }
        List<Object[]> ids = new ArrayList<>();
        try (Connection c = TestDatabase.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, tenant_id FROM sentry_connect_grant TABLESAMPLE SYSTEM (0.2) LIMIT 2000")) {
            while (rs.next()) {
                ids.add(new Object[]{rs.getObject(1), rs.getString(2)});
            }
        }
        try (Connection c = TestDatabase.connection()) {
            explain(c, USER_LIST, "t42", "u3");
            explain(c, TENANT_LIST, "t42");
            explain(c, DUE, Timestamp.from(Instant.now()), Timestamp.from(Instant.now()));
            explain(c, BY_ID, ids.get(0)[0], ids.get(0)[1]);
            time(c, "list a user's grants (10 rows)", USER_LIST, false, () -> new Object[]{tenant(), "u" + ThreadLocalRandom.current().nextInt(10)});
            time(c, "list a tenant's grants (first page of 50)", TENANT_LIST, false, () -> new Object[]{tenant()});
            time(c, "claim due grants (50, FOR UPDATE SKIP LOCKED, rolled back)", DUE, true,
                    () -> new Object[]{Timestamp.from(Instant.now()), Timestamp.from(Instant.now())});
            time(c, "the proxy's grant read by id", BY_ID, false, () -> ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
        }
        overHttp();
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }

    private static String insertSql() {
        return "INSERT INTO sentry_connect_grant (id, tenant_id, user_id, kind, status, status_reason, org_id, org_slug, org_name, region_url, "
                + "sentry_user_id, sentry_user_name, sentry_user_email, scopes, access_token, refresh_token, token_issued_at, expires_at, "
                + "last_refreshed_at, token_version, created_at, updated_at, key_id, refresh_due_at) "
                + "SELECT gen_random_uuid(), 't' || (n % " + TENANTS + "), 'u' || ((n / " + TENANTS + ") % 10), 'oauth', s.status, "
                + "CASE WHEN s.status = 'active' THEN NULL ELSE s.status END, n::text, 'org-' || n, 'Org ' || n, 'https://us.sentry.io', "
                + "(n % 5000)::text, 'User', 'user@example.com', 'org:read project:read', "
                + "CASE WHEN s.status = 'disconnected' THEN NULL ELSE decode(repeat(md5(n::text), 3), 'hex') END, "
                + "CASE WHEN s.status = 'disconnected' THEN NULL ELSE decode(repeat(md5((n + 1)::text), 3), 'hex') END, "
                + "t.issued, t.issued + interval '30 days', NULL, 1, now() - n * interval '1 second', now(), 2, "
                + "CASE WHEN s.status = 'active' THEN t.issued + interval '27 days' END "
                + "FROM generate_series(1, " + GRANTS + ") AS n, "
                + "LATERAL (SELECT CASE WHEN abs(hashint4(n)) % 100 < 3 THEN 'disconnected' WHEN abs(hashint4(n)) % 100 < 10 THEN 'revoked' ELSE 'active' END AS status) s, "
                // token ages spread over 0 … 27.3 days: those older than 27 days (about 1%) are due
                + "LATERAL (SELECT now() - ((n::bigint * 7919) % 39312) * interval '1 minute' AS issued) t";
    }

    private static String tenant() {
        return "t" + ThreadLocalRandom.current().nextInt(TENANTS);
    }

    private static void explain(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            System.out.println("plan of: " + sql);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    System.out.println("    " + rs.getString(1));
                }
            }
        }
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }

    private static void time(Connection c, String label, String sql, boolean inTransaction, java.util.function.Supplier<Object[]> args) throws SQLException {
        Bench.Samples samples = new Bench.Samples();
        c.setAutoCommit(!inTransaction);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ITERATIONS + 100; i++) {
                Object[] values = args.get();
                for (int j = 0; j < values.length; j++) {
                    ps.setObject(j + 1, values[j]);
                }
                long t0 = System.nanoTime();
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
                if (inTransaction) {
                    c.rollback();
                }
                if (i >= 100) {
                    samples.add(System.nanoTime() - t0);
                }
                if (rows == 0) {
                    throw new IllegalStateException(label + ": no rows");
                }
            }
        } finally {
            c.setAutoCommit(true);
        }
        System.out.printf(Locale.ROOT, "SQL  %-62s p50 %6.2f ms  p99 %6.2f ms  (n=%d)%n", label, samples.quantileMs(0.5), samples.quantileMs(0.99), samples.size());
    }

    /** The same listings through the API, from a service process on the 1M-grant schema. */
    private static void overHttp() {
        try (Bench.StandInProcess standIn = new Bench.StandInProcess();
             ServiceProcess service = Bench.service("bench-scale", standIn, Map.of())) {
            service.awaitHealthy(Duration.ofMinutes(3));
            List<String> users = new ArrayList<>();
            List<String> admins = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String tenant = tenant();
                users.add(Bench.jwt(service, tenant, "u" + ThreadLocalRandom.current().nextInt(10)));
                admins.add(adminJwt(service, tenant));
            }
            httpTime("GET /api/v1/grants as a user (10 grants)", service.url() + "/api/v1/grants", users);
            httpTime("GET /api/v1/grants as a tenant admin (first 50)", service.url() + "/api/v1/grants", admins);
        }
    }

    private static String adminJwt(ServiceProcess service, String tenant) {
        HttpResponse<String> response = Bench.send(HttpRequest.newBuilder(URI.create(service.url() + "/dev/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + tenant + "\",\"user\":\"admin\",\"roles\":[\"tenant-admin\"]}")).build());
        return (String) Bench.map(response.body()).get("token");
    }

    private static void httpTime(String label, String url, List<String> jwts) {
        Bench.Samples samples = new Bench.Samples();
        for (int i = 0; i < ITERATIONS + 200; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + jwts.get(i % jwts.size())).build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = Bench.send(request);
            if (response.statusCode() != 200 || response.body().length() < 10) {
                throw new IllegalStateException(label + ": " + response.statusCode());
            }
            if (i >= 200) {
                samples.add(System.nanoTime() - t0);
            }
        }
        System.out.printf(Locale.ROOT, "HTTP %-62s p50 %6.2f ms  p99 %6.2f ms  (n=%d)%n", label, samples.quantileMs(0.5), samples.quantileMs(0.99), samples.size());
    }
}
