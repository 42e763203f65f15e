package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** The seeded issues as the API has changed them ({@code PUT issues/{id}/}); a reset brings back the seeded ones. */
final class IssueChanges {
    private final Fixtures fixtures;
    private final Map<String, Fixtures.Issue> issues = new ConcurrentHashMap<>();

    IssueChanges(Fixtures fixtures) {
        this.fixtures = fixtures;
    }

    void reset() {
        issues.clear();
        fixtures.issues().forEach(i -> issues.put(i.id(), i));
    }

    List<Fixtures.Issue> issuesOf(String projectId) {
        List<Fixtures.Issue> result = new ArrayList<>();
        for (Fixtures.Issue seeded : fixtures.issuesOf(projectId)) {
            result.add(issues.getOrDefault(seeded.id(), seeded));
        }
        return result;
    }

    Optional<Fixtures.Issue> issue(String id) {
        return Optional.ofNullable(issues.get(id));
    }

    Optional<Fixtures.Issue> updateIssue(String id, UnaryOperator<Fixtures.Issue> change) {
        return Optional.ofNullable(issues.computeIfPresent(id, (k, v) -> change.apply(v)));
    }
}
