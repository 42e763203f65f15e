package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The issue search of the project issue list. */
final class IssueSearch {
    private IssueSearch() {
    }

    /** A small part of Sentry's search syntax: {@code is:<status>} terms and free text on title, culprit, short id. */
    static List<Fixtures.Issue> filter(List<Fixtures.Issue> issues, String query) {
        Set<String> statuses = new TreeSet<>();
        List<String> words = new ArrayList<>();
        for (String term : query.trim().split("\\s+")) {
            if (term.isEmpty()) {
                continue;
            }
            if (term.startsWith("is:")) {
                statuses.add(term.substring(3));
            } else {
                words.add(term.toLowerCase(Locale.ROOT));
            }
        }
        return issues.stream()
                .filter(i -> statuses.isEmpty() || statuses.contains(i.status()))
                .filter(i -> words.stream().allMatch(w -> (i.title() + " " + i.culprit() + " " + i.shortId())
                        .toLowerCase(Locale.ROOT).contains(w)))
                .toList();
    }
}
