package com.example.platform;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A throw-away schema on the local PostgreSQL (127.0.0.1:5432, user postgres, or {@code -Dhost-app.jdbc-url=…}),
 * named in the JDBC URL with {@code currentSchema=}, so the platform, its Flyway and the plugin all work in it alone.
 */
final class TestSchema implements AutoCloseable {
    private static final String SERVER = System.getProperty("host-app.jdbc-url", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = System.getProperty("host-app.jdbc-user", "postgres");
    private static final String PASSWORD = System.getProperty("host-app.jdbc-password", "");

    private final String name;

    private TestSchema(String name) {
        this.name = name;
    }

    static TestSchema create() {
        TestSchema schema = new TestSchema("host_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        schema.executeOnServer("CREATE SCHEMA " + schema.name);
        return schema;
    }

    String name() {
        return name;
    }

    String url() {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The platform's datasource, pointed at this schema. */
    Map<String, Object> datasource() {
        return Map.of("datasources.default.url", url(), "datasources.default.username", USER,
                "datasources.default.password", PASSWORD, "datasources.default.maximum-pool-size", 5);
    }

    Connection connection() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tables of this schema, sorted. */
    List<String> tables() {
        return query("SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", name)
                .stream().map(r -> (String) r.get("table_name")).toList();
    }

    @Override
    public void close() {
        executeOnServer("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private void executeOnServer(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
