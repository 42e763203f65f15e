package io.sentryconnect.grant;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How a reconnect changed a grant's scope set (order does not matter): what {@code grant.scopes_changed} says. */
record ScopeChange(List<String> previous, List<String> added, List<String> removed) {
    static Optional<ScopeChange> between(List<String> before, List<String> after) {
        Set<String> added = new LinkedHashSet<>(after);
        added.removeAll(before);
        Set<String> removed = new LinkedHashSet<>(before);
        removed.removeAll(after);
        if (added.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ScopeChange(List.copyOf(before), List.copyOf(added), List.copyOf(removed)));
    }

    /** The scopes column: space-separated. */
    static List<String> parse(String column) {
        return column == null || column.isBlank() ? List.of() : Arrays.asList(column.split(" "));
    }

    Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previous_scopes", previous);
        details.put("added_scopes", added);
        details.put("removed_scopes", removed);
        return details;
    }
}
