package io.sentryconnect.database;

import io.sentryconnect.testing.LogCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one line saying which database was chosen names it without the credentials its URL may carry. */
class DatabaseResolverTest {
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String BASE = Objects.requireNonNullElse(System.getenv("DATASOURCES_DEFAULT_URL"),
            "jdbc:postgresql://127.0.0.1:5432/postgres").replaceFirst("\\?.*$", "");

    @BeforeAll
    static void capture() {
        LogCapture.install();
    }

    private static String schema() {
        return "test_resolver_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void aPasswordInTheUrlsQueryIsNotLoggedButTheParameterNamesAre() {
        String url = BASE + "?sslmode=disable&password=" + PASSWORD;
        int before = LogCapture.lines().size();
        DatabaseResolver.Database db = DatabaseResolver.resolve(schema(), Map.of("DATASOURCES_DEFAULT_URL", url)::get, () -> null);
        try {
            assertEquals(url, db.url(), "the URL itself is used as given");
            List<String> lines = LogCapture.lines().subList(before, LogCapture.lines().size());
            String line = lines.stream().filter(l -> l.contains("from DATASOURCES_DEFAULT_URL")).findFirst().orElseThrow();
            assertFalse(line.contains(PASSWORD), line);
            assertTrue(line.contains(BASE.replaceFirst("^jdbc:", "")) && line.contains("sslmode") && line.contains("password"), line);
            assertFalse(db.toString().contains(PASSWORD), db.toString());
        } finally {
            DatabaseResolver.dropSchema(db);
        }
    }

    @Test
    void aPasswordInTheUrlsUserInfoIsNotLoggedNorInTheErrorWhenTheDatabaseRefuses() {
        String url = BASE.replaceFirst("//", "//someone:" + PASSWORD + "@");
        int before = LogCapture.lines().size();
        try {
            DatabaseResolver.dropSchema(DatabaseResolver.resolve(schema(), Map.of("DATASOURCES_DEFAULT_URL", url)::get, () -> null));
        } catch (IllegalStateException refused) {
            assertFalse(String.valueOf(refused.getMessage()).contains(PASSWORD), refused.getMessage());
        }
        List<String> lines = LogCapture.lines().subList(before, LogCapture.lines().size());
        assertTrue(lines.stream().anyMatch(l -> l.contains("from DATASOURCES_DEFAULT_URL")), String.join("\n", lines));
        assertEquals(List.of(), LogCapture.linesContaining(PASSWORD));
        assertEquals(List.of(), LogCapture.linesContaining("someone:"));
    }

    @Test
    void theLoggedFormKeepsHostsPathAndParameterNamesOnly() {
        assertEquals("jdbc:postgresql://h1:5432,h2:5433/db?password=…&ssl=…",
                DatabaseResolver.withoutCredentials("jdbc:postgresql://u:" + PASSWORD + "@h1:5432,h2:5433/db?password=" + PASSWORD + "&ssl=true"));
        assertEquals("jdbc:postgresql://h:5432/db", DatabaseResolver.withoutCredentials("jdbc:postgresql://h:5432/db"));
        assertEquals("jdbc:postgresql://h", DatabaseResolver.withoutCredentials("jdbc:postgresql://u:p@h"));
        assertEquals("jdbc:postgresql:db?user=…", DatabaseResolver.withoutCredentials("jdbc:postgresql:db?user=me"));
        // A password holding '?', '/' or '@': the user info still ends at the last '@'.
        assertEquals("jdbc:postgresql://h/db", DatabaseResolver.withoutCredentials("jdbc:postgresql://u:p?w/x@y@h/db"));
        // An '@' in the query hides the query too, rather than show any of it.
        assertEquals("jdbc:postgresql://x", DatabaseResolver.withoutCredentials("jdbc:postgresql://h/db?user=me@x"));
    }
}
