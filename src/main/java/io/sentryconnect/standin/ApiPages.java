package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Sentry's cursor pagination of list endpoints ({@code src/sentry/api/paginator.py}, {@code src/sentry/utils/cursors.py}). */
final class ApiPages {
    private static final int MAX_PER_PAGE = 100;
    private static final Pattern CURSOR = Pattern.compile("^(-?\\d+):(\\d+):([01])$");

    private final ApiAnswers answers;
    private final Urls urls;

    ApiPages(ApiAnswers answers, Urls urls) {
        this.answers = answers;
        this.urls = urls;
    }

    /**
     * Sentry's cursor pagination: {@code value:offset:is_prev} cursors and a {@code Link} header with a previous
     * and a next link, each saying whether it has results. {@code per_page} may ask for fewer than 100 per page.
     */
    <T> StandInResponse paginated(StandInRequest request, List<T> all, Function<T, Map<String, Object>> view)
            throws ApiAnswers.Refusal {
        int perPage = MAX_PER_PAGE;
        String perPageParam = request.param("per_page");
        if (perPageParam != null) {
            try {
                perPage = Integer.parseInt(perPageParam);
            } catch (NumberFormatException e) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Invalid per_page parameter."));
            }
            if (perPage > MAX_PER_PAGE) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Invalid per_page parameter. Max is " + MAX_PER_PAGE));
            }
            if (perPage < 1) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Invalid per_page parameter."));
            }
        }
        int offset = 0;
        String cursor = request.param("cursor");
        if (cursor != null && !cursor.isEmpty()) {
            var m = CURSOR.matcher(cursor);
            if (!m.matches()) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Invalid cursor parameter."));
            }
            offset = Integer.parseInt(m.group(2));
        }
        int from = Math.min(offset, all.size());
        int to = Math.min(offset + perPage, all.size());
        List<Map<String, Object>> page = all.subList(from, to).stream().map(view).toList();

        String base = Urls.plain(urls.of(request.origin())) + request.path() + "?" + queryWithoutCursor(request.rawQuery());
        String previous = "0:" + Math.max(0, offset - perPage) + ":1";
        String next = "0:" + (offset + perPage) + ":0";
        String link = link(base, "previous", previous, offset > 0) + ", " + link(base, "next", next, offset + perPage < all.size());
        return answers.ok(page).withHeader("Link", link);
    }

    private static String link(String base, String rel, String cursor, boolean results) {
        return "<" + base + "&cursor=" + cursor + ">; rel=\"" + rel + "\"; results=\"" + results + "\"; cursor=\"" + cursor + "\"";
    }

    private static String queryWithoutCursor(@Nullable String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        return Arrays.stream(rawQuery.split("&"))
                .filter(p -> !p.isEmpty() && !p.equals("cursor") && !p.startsWith("cursor="))
                .collect(Collectors.joining("&"));
    }
}
