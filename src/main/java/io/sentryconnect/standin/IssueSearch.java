package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The issue search of the issue lists: a small part of Sentry's search syntax. */
final class IssueSearch {
    private IssueSearch() {
    }

    /**
     * The {@code is:} values Sentry knows ({@code is_filter_translation} in {@code src/sentry/api/issue_search.py}:
     * assignment, inbox, links, {@code STATUS_QUERY_CHOICES} of {@code src/sentry/models/group.py} and
     * {@code SUBSTATUS_UPDATE_CHOICES} of {@code src/sentry/types/group.py}), each with what it finds here. The
     * stand-in's issues have no substatus, inbox or links: {@code ongoing} is any unresolved issue,
     * {@code archived_forever} any ignored one, and {@code new}, {@code escalating}, {@code regressed}, the other
     * archived substatuses, {@code reprocessing}, {@code for_review} and {@code linked} find none.
     */
    private static final Map<String, Predicate<Fixtures.Issue>> IS = new TreeMap<>(Map.ofEntries(
            Map.entry("assigned", i -> i.assignedTo() != null),
            Map.entry("unassigned", i -> i.assignedTo() == null),
            Map.entry("for_review", i -> false),
            Map.entry("linked", i -> false),
            Map.entry("unlinked", i -> true),
            Map.entry("resolved", i -> i.status().equals("resolved")),
            Map.entry("unresolved", i -> i.status().equals("unresolved")),
            Map.entry("ignored", i -> i.status().equals("ignored")),
            Map.entry("archived", i -> i.status().equals("ignored")),
            Map.entry("muted", i -> i.status().equals("ignored")),
            Map.entry("reprocessing", i -> false),
            Map.entry("archived_until_escalating", i -> false),
            Map.entry("archived_until_condition_met", i -> false),
            Map.entry("archived_forever", i -> i.status().equals("ignored")),
            Map.entry("escalating", i -> false),
            Map.entry("ongoing", i -> i.status().equals("unresolved")),
            Map.entry("regressed", i -> false),
            Map.entry("new", i -> false)));

    /** A query Sentry's parser refuses: {@code parse_and_convert_issue_search_query} answers its message. */
    static final class InvalidQuery extends Exception {
        InvalidQuery(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses {@code is:<value>} and {@code !is:<value>} terms and free text (title, culprit, short id). Every term
     * must hold, as Sentry's search filters all apply ({@code is:unresolved is:resolved} finds nothing). An unknown
     * {@code is:} value is Sentry's {@code Invalid value for "is" search, valid values are [...]}
     * ({@code SearchVisitor.visit_is_filter} in {@code src/sentry/api/event_search.py}; Sentry's test:
     * {@code test_is_query_invalid} in {@code tests/sentry/api/test_issue_search.py}).
     */
    static Predicate<Fixtures.Issue> parse(String query) throws InvalidQuery {
        List<Predicate<Fixtures.Issue>> terms = new ArrayList<>();
        for (String term : query.trim().split("\\s+")) {
            if (term.isEmpty()) {
                continue;
            }
            boolean negated = term.startsWith("!is:");
            if (negated || term.startsWith("is:")) {
                String value = term.substring(negated ? 4 : 3);
                Predicate<Fixtures.Issue> is = IS.get(value);
                if (is == null) {
                    throw new InvalidQuery("Invalid value for \"is\" search, valid values are "
                            + IS.keySet().stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ", "[", "]")));
                }
                terms.add(negated ? is.negate() : is);
            } else {
                String word = term.toLowerCase(Locale.ROOT);
                terms.add(i -> (i.title() + " " + i.culprit() + " " + i.shortId()).toLowerCase(Locale.ROOT).contains(word));
            }
        }
        return i -> terms.stream().allMatch(t -> t.test(i));
    }
}
