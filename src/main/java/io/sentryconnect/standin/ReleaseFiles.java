package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The release files uploaded through the API ({@code ReleaseFile} with its {@code File}); a reset forgets them. One
 * file per release, name and dist, as the unique index on Sentry's {@code sentry_releasefile} holds it.
 */
final class ReleaseFiles {

    /** What Sentry keeps of an upload: the name the file is referenced by, its headers, size and SHA-1. */
    record ReleaseFile(String id, String orgSlug, String version, String name, @Nullable String dist,
                       Map<String, String> headers, int size, String sha1, Instant dateCreated) {
    }

    private record Key(String orgSlug, String version, String name, @Nullable String dist) {
    }

    private final Map<Key, ReleaseFile> files = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(70_000);

    void reset() {
        files.clear();
    }

    /** The new file, or empty when the release already has one of that name and dist (Sentry's 409). */
    Optional<ReleaseFile> add(String orgSlug, String version, String name, @Nullable String dist,
                              Map<String, String> headers, int size, String sha1, Instant now) {
        Key key = new Key(orgSlug, version, name, dist);
        ReleaseFile file = new ReleaseFile(Long.toString(ids.incrementAndGet()), orgSlug, version, name, dist,
                Map.copyOf(headers), size, sha1, now);
        return files.putIfAbsent(key, file) == null ? Optional.of(file) : Optional.empty();
    }

    /** A release's files by name, as {@code get_releasefiles} orders them. */
    List<ReleaseFile> of(String orgSlug, String version) {
        return files.values().stream().filter(f -> f.orgSlug().equals(orgSlug) && f.version().equals(version))
                .sorted(Comparator.comparing(ReleaseFile::name)).toList();
    }
}
