package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The seeded issues as the API has changed them ({@code PUT issues/{id}/}, the bulk {@code PUT} and {@code DELETE} of
 * the issue lists); a reset brings back the seeded ones.
 */
final class IssueChanges {
    private final Fixtures fixtures;
    private final Map<String, Fixtures.Issue> issues = new ConcurrentHashMap<>();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();

    IssueChanges(Fixtures fixtures) {
        this.fixtures = fixtures;
    }

    void reset() {
        issues.clear();
        deleted.clear();
        fixtures.issues().forEach(i -> issues.put(i.id(), i));
    }

    /** The project's issues that are not deleted, most recently seen first. */
    List<Fixtures.Issue> issuesOf(String projectId) {
        List<Fixtures.Issue> result = new ArrayList<>();
        for (Fixtures.Issue seeded : fixtures.issuesOf(projectId)) {
            if (!deleted.contains(seeded.id())) {
                result.add(issues.getOrDefault(seeded.id(), seeded));
            }
        }
        return result;
    }

    /** The issue, deleted or not: the issue details answer a deleted one only after their permission checks. */
    Optional<Fixtures.Issue> issue(String id) {
        return Optional.ofNullable(issues.get(id));
    }

    boolean isDeleted(String id) {
        return deleted.contains(id);
    }

    Optional<Fixtures.Issue> updateIssue(String id, UnaryOperator<Fixtures.Issue> change) {
        return Optional.ofNullable(issues.computeIfPresent(id, (k, v) -> change.apply(v)));
    }

    /**
     * Deletes the issues for good. Sentry marks them {@code PENDING_DELETION} and a task removes them later; what a
     * client sees is the same from the start: no list shows them and their details are a 404.
     */
    void delete(Collection<String> ids) {
        deleted.addAll(ids);
    }
}
