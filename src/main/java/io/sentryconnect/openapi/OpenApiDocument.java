package io.sentryconnect.openapi;

import io.sentryconnect.Endpoints;
import io.sentryconnect.SentryConnectProperties;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The document as this deployment serves it: the source file with each endpoint group's path as configured, the
 * groups that are switched off left out, the standalone service's own routes ({@code /health}, {@code /prometheus})
 * only where it runs, and its public URL as the server. Rewritten line by line rather than through a YAML library:
 * a host's classpath need not have one, and the source's layout (one path key per line, two spaces in, under
 * {@code paths:}) is checked by OpenApiDocumentTest.
 */
@Singleton
public final class OpenApiDocument {
    /** Where the source lives on the classpath. */
    public static final String RESOURCE = "io/sentryconnect/openapi/sentry-connect.yml";
    /** The document's own path: {@code sentry-connect.openapi.path}. */
    public static final String PATH = "/swagger/sentry-connect-1.yml";
    static final String PATH_PROPERTY = "${sentry-connect.openapi.path:" + PATH + "}";

    private static final Pattern PATH_KEY = Pattern.compile("^  (/[^\\s:]*):\\s*$");
    private static final Pattern SERVER_URL = Pattern.compile("^  - url: \\S+$");
    private static final Map<String, String> DEFAULTS = defaults();
    private static final Set<String> STANDALONE_ONLY = Set.of("/health", "/prometheus");
    /** The origin of the document's examples. */
    private static final String EXAMPLE_ORIGIN = "https://platform.example";

    private final String text;

    OpenApiDocument(Endpoints endpoints, List<Endpoints.Group> groups, SentryConnectProperties plugin,
                    OpenApiProperties properties) {
        Set<String> disabled = groups.stream().filter(group -> !group.enabled()).map(Endpoints.Group::name)
                .collect(Collectors.toSet());
        Map<String, String> moved = new LinkedHashMap<>();
        DEFAULTS.forEach((group, path) -> moved.put(path, disabled.contains(group) ? null : endpoints.path(group)));
        moved.put(PATH, properties.path());
        for (String route : STANDALONE_ONLY) {
            moved.put(route, plugin.standalone() ? route : null);
        }
        this.text = rewrite(source(), moved, plugin.base());
    }

    /** The YAML text this deployment serves. */
    public String text() {
        return text;
    }

    /** The source document as it is in the jar: the default paths. */
    public static String source() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves every path key under {@code paths:} by the longest default prefix it starts with (a {@code null} target
     * drops the path item), and names {@code serverUrl} as the only server.
     */
    static String rewrite(String source, Map<String, String> moved, String serverUrl) {
        List<String> out = new ArrayList<>();
        String section = "";
        boolean dropping = false;
        for (String line : source.split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#")) {
                section = line;
                dropping = false;
            }
            Matcher key = PATH_KEY.matcher(line);
            if (section.equals("paths:") && key.matches()) {
                String target = target(key.group(1), moved);
                dropping = target == null;
                if (!dropping) {
                    out.add("  " + target + ":");
                }
                continue;
            }
            if (dropping) {
                continue;
            }
            if (section.equals("servers:") && SERVER_URL.matcher(line).matches() && !serverUrl.isEmpty()) {
                out.add("  - url: " + serverUrl);
                continue;
            }
            out.add(movedInExamples(line, moved));
        }
        return String.join("\n", out);
    }

    /**
     * The document's examples and descriptions name routes as URLs of the example origin and as cookie paths
     * ({@code https://platform.example/connect/sentry/start?…}, {@code Path=/connect/sentry/callback}): moved with
     * their group, so that the example {@code link_url} is one this deployment hands out.
     */
    static String movedInExamples(String line, Map<String, String> moved) {
        String result = line;
        for (Map.Entry<String, String> entry : moved.entrySet()) {
            String from = entry.getKey();
            String to = entry.getValue();
            if (to == null || to.equals(from)) {
                continue;
            }
            result = result.replace(EXAMPLE_ORIGIN + from + "/", EXAMPLE_ORIGIN + to + "/")
                    .replace("Path=" + from + "/", "Path=" + to + "/");
        }
        return result;
    }

    private static String target(String path, Map<String, String> moved) {
        String best = null;
        for (String prefix : moved.keySet()) {
            if ((path.equals(prefix) || path.startsWith(prefix + "/")) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best == null) {
            return path;
        }
        String target = moved.get(best);
        return target == null ? null : target + path.substring(best.length());
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("links", Endpoints.LINKS);
        defaults.put("connect", Endpoints.CONNECT);
        defaults.put("grants", Endpoints.GRANTS);
        defaults.put("events", Endpoints.EVENTS);
        defaults.put("provisioning", Endpoints.PROVISIONING);
        defaults.put("partner", Endpoints.PARTNER);
        defaults.put("me", Endpoints.ME);
        return Map.copyOf(defaults);
    }
}
