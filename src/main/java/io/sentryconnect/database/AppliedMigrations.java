package io.sentryconnect.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Answers, with one query and without starting Flyway, whether our history table already records every migration we
 * ship, unchanged: then a start has nothing to migrate and skips Flyway, whose set-up alone (plugins, configuration,
 * database detection, validation) is a quarter of the standalone start. Anything else (a missing, failed, edited or
 * unknown migration, or migrations packaged where this cannot list them) answers "not known", and Flyway runs as
 * before, with its lock, its validation and its messages.
 */
final class AppliedMigrations {
    private static final Pattern NUMERIC = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

    private AppliedMigrations() {
    }

    /** A shipped migration as Flyway records it: version, script name, checksum. */
    record Migration(String version, String script, int checksum) {
    }

    /** True only when every shipped migration above the baseline is recorded as applied with the same checksum. */
    static boolean allApplied(Connection c, String historyTable, List<Migration> shipped) throws SQLException {
        Map<String, Migration> applied = new HashMap<>();
        String baseline = null;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, type, script, checksum, success FROM " + historyTable)) {
            while (rs.next()) {
                String version = rs.getString(1);
                String type = rs.getString(2);
                if (!rs.getBoolean(5)) {
                    return false;
                }
                if ("BASELINE".equals(type)) {
                    if (version == null || !NUMERIC.matcher(version).matches()) {
                        return false;
                    }
                    baseline = version;
                } else if ("SQL".equals(type)) {
                    applied.put(version, new Migration(version, rs.getString(3), rs.getInt(4)));
                } else if (version != null) {
                    return false;
                }
            }
        }
        for (Migration migration : shipped) {
            boolean belowBaseline = baseline != null && compare(migration.version(), baseline) <= 0;
            if (!belowBaseline && !migration.equals(applied.remove(migration.version()))) {
                return false;
            }
        }
        // A recorded migration we do not ship (a newer instance's) is Flyway's to judge.
        return applied.isEmpty();
    }

    /**
     * The versioned migrations under {@code location} (a class path directory) with Flyway's checksums; empty when they
     * are packaged in a way this does not list (neither a directory nor a plain jar), so that Flyway decides.
     */
    static Optional<List<Migration>> shipped(ClassLoader loader, String location) {
        List<Migration> migrations = new ArrayList<>();
        try {
            Enumeration<URL> roots = loader.getResources(location);
            if (!roots.hasMoreElements()) {
                return Optional.empty();
            }
            while (roots.hasMoreElements()) {
                List<String> names = names(roots.nextElement(), location);
                if (names == null) {
                    return Optional.empty();
                }
                for (String name : names) {
                    Matcher m = VERSIONED.matcher(name);
                    if (m.matches()) {
                        try (InputStream in = loader.getResourceAsStream(location + "/" + name)) {
                            migrations.add(new Migration(m.group(1).replace('_', '.'), name, checksum(in)));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            return Optional.empty();
        }
        long versions = migrations.stream().map(Migration::version).distinct().count();
        return versions == migrations.size() ? Optional.of(migrations) : Optional.empty();
    }

    private static List<String> names(URL root, String location) throws IOException, URISyntaxException {
        if ("file".equals(root.getProtocol())) {
            try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                return files.map(p -> p.getFileName().toString()).toList();
            }
        }
        if ("jar".equals(root.getProtocol()) && root.openConnection() instanceof JarURLConnection jar) {
            String prefix = location + "/";
            // The JDK's cached JarFile for this URL, shared with the resource reads that follow and with the
            // framework's: opening our own would read a fat jar's directory once more. Cached, so never closed here.
            JarFile file = jar.getJarFile();
            return file.stream().map(JarEntry::getName)
                    .filter(n -> n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0 && n.length() > prefix.length())
                    .map(n -> n.substring(prefix.length())).toList();
        }
        return null;
    }

    /**
     * Flyway's checksum of a migration: CRC-32 over the UTF-8 bytes of each line without its line ending, a leading
     * byte-order mark dropped. Computed here because Flyway's own calculator is internal API and needs its set-up.
     */
    static int checksum(InputStream in) {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = reader.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }

    /** Orders dotted numeric versions as Flyway does. */
    private static int compare(String version, String baseline) {
        String[] x = version.split("\\.");
        String[] y = baseline.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}
