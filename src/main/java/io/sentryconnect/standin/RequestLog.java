package io.sentryconnect.standin;

import com.sun.net.httpserver.Headers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** The bounded log of requests, for tests that count calls (e.g. "exactly one refresh"). */
final class RequestLog {

    /** Enough for any test; bounded so a long demo session does not grow without end. */
    private static final int CAPACITY = 10_000;

    /** Query parameters whose values are secrets, or close enough that they must not be replayable from the log. */
    private static final Set<String> SENSITIVE = Set.of("code", "state", "code_challenge", "code_verifier",
            "client_secret", "access_token", "refresh_token", "token", "password", "ticket");

    private final Deque<RequestLogEntry> entries = new ArrayDeque<>();

    synchronized void add(RequestLogEntry entry) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    synchronized List<RequestLogEntry> find(String pathPrefix) {
        String prefix = pathPrefix == null ? "" : pathPrefix;
        return entries.stream().filter(e -> e.path().startsWith(prefix)).toList();
    }

    synchronized int clear() {
        int size = entries.size();
        entries.clear();
        return size;
    }

    /** The names only: values (a token, the client secret in Basic auth) never enter the log. */
    static List<String> headerNames(Headers headers) {
        List<String> names = new ArrayList<>();
        headers.forEach((name, values) -> {
            for (int i = 0; i < values.size(); i++) {
                names.add(name.toLowerCase(Locale.ROOT));
            }
        });
        Collections.sort(names);
        return List.copyOf(names);
    }

    static String redactedQuery(Map<String, List<String>> query) {
        StringJoiner joiner = new StringJoiner("&");
        query.forEach((key, values) -> {
            for (String value : values) {
                String shown = SENSITIVE.contains(key) ? "[redacted]" : FormCodec.encode(value);
                joiner.add(FormCodec.encode(key) + "=" + shown);
            }
        });
        return joiner.toString();
    }
}
