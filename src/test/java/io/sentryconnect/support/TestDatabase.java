package io.sentryconnect.support;

import io.sentryconnect.database.DatabaseResolver;

import java.util.Map;
import java.util.UUID;

/**
 * One throw-away schema per test JVM, on whichever PostgreSQL {@link DatabaseResolver} picks, so that two test
 * runs, or a test run and the demo, never see each other's rows. Dropped when the JVM exits.
 */
public final class TestDatabase {
    private static final DatabaseResolver.Database DATABASE = create();

    private TestDatabase() {
    }

    private static DatabaseResolver.Database create() {
        String schema = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DatabaseResolver.Database database = DatabaseResolver.resolve(schema, System::getenv, ContainerDatabase::startIfDockerAnswers);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> DatabaseResolver.dropSchema(database)));
        return database;
    }

    public static DatabaseResolver.Database database() {
        return DATABASE;
    }

    /** A plain JDBC connection to the test schema, outside the service's transaction management. */
    public static java.sql.Connection connection() throws java.sql.SQLException {
        java.sql.Connection connection = java.sql.DriverManager.getConnection(
                DATABASE.url(), DATABASE.username(), DATABASE.password());
        connection.setSchema(DATABASE.schema());
        return connection;
    }

    /** Rows of a query on the test schema, as column → value maps. */
    public static java.util.List<Map<String, Object>> query(String sql, Object... args) {
        try (java.sql.Connection c = connection()) {
            return rows(c, sql, args);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of a query on {@code connection}'s schema (this one, or a {@link ScratchSchema}). */
    static java.util.List<Map<String, Object>> rows(java.sql.Connection connection, String sql, Object... args) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                java.sql.ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Runs a statement on the test schema (test fixtures such as failure-injecting triggers). */
    public static void execute(String sql) {
        try (java.sql.Connection c = connection(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant whose grant writes fail inside the database (see {@link #installFailingTrigger()}). */
    public static final String FAILING_TENANT = "t-db-fails";

    /** A trigger that makes every grant write of {@link #FAILING_TENANT} fail mid-transaction, as a broken database would. */
    public static void installFailingTrigger() {
        execute("""
                CREATE OR REPLACE FUNCTION fail_grant_insert() RETURNS trigger AS $$
                BEGIN
                  IF NEW.tenant_id = 't-db-fails' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        execute("DROP TRIGGER IF EXISTS fail_grant_insert ON sentry_connect_grant");
        execute("CREATE TRIGGER fail_grant_insert BEFORE INSERT OR UPDATE ON sentry_connect_grant "
                + "FOR EACH ROW EXECUTE FUNCTION fail_grant_insert()");
    }

    /** Decrypts a grant row's {@code access} or {@code refresh} token column (byte[] or hex) as the service would. */
    public static io.sentryconnect.token.Secret decrypt(io.sentryconnect.token.TokenCipher cipher, Map<String, Object> row, String column) {
        Object value = row.get(column + "_token");
        byte[] bytes = value instanceof byte[] raw ? raw : java.util.HexFormat.of().parseHex((String) value);
        String tenant = (String) row.get("tenant_id");
        return cipher.decrypt(bytes, io.sentryconnect.token.AssociatedData.grantToken(tenant, UUID.fromString(String.valueOf(row.get("id"))), column));
    }

    /** Every access and refresh token the test schema holds, decrypted: what a log leak check searches for. */
    public static java.util.List<String> storedTokens(io.sentryconnect.token.TokenCipher cipher) {
        java.util.List<String> tokens = new java.util.ArrayList<>();
        for (Map<String, Object> row : query("SELECT id, tenant_id, access_token, refresh_token FROM sentry_connect_grant "
                + "WHERE access_token IS NOT NULL")) {
            for (String column : java.util.List.of("access", "refresh")) {
                if (row.get(column + "_token") != null) {
                    tokens.add(decrypt(cipher, row, column).reveal());
                }
            }
        }
        return tokens;
    }

    /**
     * Every PKCE verifier the link states hold, decrypted. A state whose verifier a test overwrote with a few bytes of
     * garbage (as if its key had gone) holds no secret and is passed over.
     */
    public static java.util.List<String> storedVerifiers(io.sentryconnect.token.TokenCipher cipher) {
        java.util.List<String> verifiers = new java.util.ArrayList<>();
        for (Map<String, Object> row : query("SELECT state_hash, code_verifier FROM sentry_connect_link_state WHERE length(code_verifier) > 5")) {
            String ad = io.sentryconnect.token.AssociatedData.linkStateVerifier((byte[]) row.get("state_hash"));
            verifiers.add(cipher.decrypt((byte[]) row.get("code_verifier"), ad).reveal());
        }
        return verifiers;
    }

    /** The DSN of every provisioned project: not a token, but nothing a log should carry either. */
    public static java.util.List<String> provisionedDsns() {
        return query("SELECT dsn FROM sentry_connect_provisioned_project").stream().map(row -> (String) row.get("dsn")).toList();
    }

    public static Map<String, Object> properties() {
        return DATABASE.properties();
    }
}
