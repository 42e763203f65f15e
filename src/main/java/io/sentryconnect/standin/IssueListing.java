package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code GET} of the issue lists, {@code OrganizationGroupIndexEndpoint} and {@code ProjectGroupIndexEndpoint}
 * ({@code src/sentry/issues/endpoints/organization_group_index.py}, {@code project_group_index.py}): their own
 * parameters ({@code statsPeriod}, {@code start}/{@code end}, {@code groupStatsPeriod}), then the search's
 * ({@code build_query_params_from_request} in {@code src/sentry/api/helpers/group_index/index.py}: {@code limit},
 * {@code cursor}, {@code query}, {@code sort}) and the search backend's paging ({@code src/sentry/search/snuba/backend.py},
 * {@code executors.py}), which reads {@code limit}, never {@code per_page}.
 */
final class IssueListing {
    /** {@code PostgresSnubaQueryExecutor.sort_strategies}; {@code date} is {@code DEFAULT_SORT_OPTION} (src/sentry/constants.py). */
    private static final Set<String> SORTS = Set.of("date", "freq", "new", "trends", "recommended", "user", "inbox");
    /** {@code default_start_end_dates}: {@code MAX_STATS_PERIOD} in {@code src/sentry/api/utils.py}. */
    private static final Duration DEFAULT_PERIOD = Duration.ofDays(90);
    /** {@code parse_stats_period} in {@code src/sentry/utils/dates.py} (Python's {@code $} also allows a final newline). */
    private static final Pattern PERIOD = Pattern.compile("^(\\d+)([hdmsw]?)$",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES);
    /** {@code datetime.min}: a period reaching before it is Python's {@code OverflowError}. */
    private static final Instant PYTHON_MIN = Instant.parse("0001-01-01T00:00:00Z");
    private static final Pattern PYTHON_FLOAT = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private final ApiAnswers answers;
    private final ApiPages pages;
    private final ApiViews views;

    IssueListing(ApiAnswers answers, ApiPages pages, ApiViews views) {
        this.answers = answers;
        this.pages = pages;
        this.views = views;
    }

    /**
     * {@code OrganizationGroupIndexEndpoint.get} before it reads the projects: the date range
     * ({@code get_date_range_from_stats_period}, its {@code InvalidParams} a 400 with the message), then
     * {@code groupStatsPeriod}. The range is checked, not applied: the stand-in's issues have fixed times.
     */
    void organizationParameters(StandInRequest request, Instant now) throws ApiAnswers.Refusal {
        try {
            dateRange(request, now);
        } catch (InvalidParams e) {
            throw new ApiAnswers.Refusal(answers.detail(400, e.getMessage()));
        }
        String groupStatsPeriod = request.param("groupStatsPeriod");
        if (groupStatsPeriod != null && !Set.of("", "24h", "14d", "auto").contains(groupStatsPeriod)) {
            throw new ApiAnswers.Refusal(answers.detail(400,
                    "Invalid stats_period. Valid choices are '', '24h', '14d' and 'auto'"));
        }
    }

    /** {@code ProjectGroupIndexEndpoint.get} first checks {@code statsPeriod}. */
    void projectParameters(StandInRequest request) throws ApiAnswers.Refusal {
        String statsPeriod = request.param("statsPeriod");
        if (statsPeriod != null && !Set.of("", "24h", "14d").contains(statsPeriod)) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Invalid stats_period. Valid choices are '', '24h', and '14d'"));
        }
    }

    /**
     * The search and its page. {@code build_query_params_from_request}: {@code limit} as Python's {@code int()}
     * ({@code invalid limit}), the cursor ({@code Invalid cursor parameter.}), {@code query} ({@code is:unresolved}
     * when absent, nothing when empty; a refused one is {@code Error parsing search query: …}); then the backend's
     * {@code Sort key '…' not supported.}. The project list's first page in the default sort is the Postgres-only
     * search, a {@code DateTimePaginator} on {@code -last_seen}; every other page, and every page of the
     * organization's list (which always passes a date range, so never takes that shortcut), is Snuba's:
     * the rows at or below the cursor's score (at or above for a previous cursor) through a
     * {@code SequencePaginator}, or {@code empty_result} when nothing matches. Both count hits.
     */
    StandInResponse list(StandInRequest request, List<Fixtures.Issue> issues, boolean organization) throws ApiAnswers.Refusal {
        String sort = request.param("sort") == null ? "date" : request.param("sort");
        BigInteger limit = null;
        String limitParam = request.param("limit");
        if (limitParam != null && !limitParam.isEmpty()) {
            limit = ApiPages.pythonInteger(limitParam);
            if (limit == null) {
                throw new ApiAnswers.Refusal(answers.detail(400, "invalid limit"));
            }
        }
        ApiPages.Cursor cursor = pages.cursor(request);
        String query = request.param("query") == null ? "is:unresolved" : request.param("query").strip();
        Predicate<Fixtures.Issue> search;
        try {
            search = query.isEmpty() ? i -> true : IssueSearch.parse(query);
        } catch (IssueSearch.InvalidQuery e) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Error parsing search query: " + e.getMessage()));
        }
        List<Fixtures.Issue> matches = issues.stream().filter(search)
                .sorted(Comparator.comparing(Fixtures.Issue::lastSeen).reversed()).toList();
        int l = limit == null ? ApiPages.MAX_LIMIT
                : limit.max(BigInteger.valueOf(Integer.MIN_VALUE)).min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();

        ApiPages.Page<Fixtures.Issue> page;
        if (organization && sort.equals("inbox")) {
            // OrganizationGroupIndexEndpoint._search hands this sort to inbox_search, which wants is:for_review;
            // with it, the inbox rows (none here) through a DateTimePaginator on -date_added.
            if (!query.matches("(^|.*\\s)is:for_review(\\s.*|$)")) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Sort key 'inbox' only supported for inbox search"));
            }
            page = pages.dateTimePage(List.<Fixtures.Issue>of(), i -> 0L, true, l, orZero(cursor));
        } else if (!SORTS.contains(sort)) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Sort key '" + sort + "' not supported."));
        } else if (l < 0) {
            // No check of Sentry's stops it: the negative limit reaches a queryset slice or Snuba and fails there.
            throw new ApiAnswers.Refusal(answers.internalError());
        } else if (!organization && cursor == null && sort.equals("date")) {
            page = pages.dateTimePage(matches, i -> i.lastSeen().toEpochMilli(), true, l, ApiPages.Cursor.ZERO);
        } else if (matches.isEmpty()) {
            page = ApiPages.empty();
        } else if (sort.equals("inbox")) {
            // the project list's executor has no Snuba field for this sort ("inbox": ""): a KeyError, a 500
            throw new ApiAnswers.Refusal(answers.internalError());
        } else {
            ToLongFunction<Fixtures.Issue> score = score(sort);
            List<Fixtures.Issue> rows = cursor == null ? matches : matches.stream()
                    .filter(i -> cursor.isPrev() ? score.applyAsLong(i) >= cursor.value() : score.applyAsLong(i) <= cursor.value())
                    .toList();
            page = pages.sequence(rows.stream().map(i -> new ApiPages.Scored<>(score.applyAsLong(i), Long.parseLong(i.id()), i)).toList(),
                    l, orZero(cursor), matches.size());
        }
        // The view caps X-Hits on a first page that holds every result.
        String cursorParam = request.param("cursor");
        if (page.hits() != null && (cursorParam == null || cursorParam.isEmpty())) {
            int count = page.results().size();
            if (!page.next().results()) {
                page = page.withHits(Math.min(page.hits(), count));
            } else if (count < (limit == null ? 100 : l)) {
                page = page.withHits(count);
            }
        }
        return pages.respond(request, page, views::issueJson);
    }

    private static ApiPages.Cursor orZero(@Nullable ApiPages.Cursor cursor) {
        return cursor == null ? ApiPages.Cursor.ZERO : cursor;
    }

    /**
     * The Snuba score of a sort ({@code aggregation_defs}): last and first seen in whole seconds times 1000, the event
     * count, the user count. {@code trends} and {@code recommended} are weighted float scores in Sentry; the stand-in
     * orders them by last seen.
     */
    private static ToLongFunction<Fixtures.Issue> score(String sort) {
        return switch (sort) {
            case "new" -> i -> i.firstSeen().getEpochSecond() * 1000;
            case "freq" -> Fixtures.Issue::count;
            case "user" -> Fixtures.Issue::userCount;
            default -> i -> i.lastSeen().getEpochSecond() * 1000;
        };
    }

    // --- get_date_range_from_stats_period (src/sentry/api/utils.py) ---------------------------------------------

    /** {@code InvalidParams}: the endpoint answers its message as a 400. */
    static final class InvalidParams extends Exception {
        InvalidParams(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code statsPeriod} (present, even empty, it wins), else {@code statsPeriodStart} with {@code statsPeriodEnd},
     * else {@code start} with {@code end}, else the last 90 days; the start must come before the end. Sentry's tests:
     * {@code test_export_invalid_date_params} in {@code tests/sentry/data_export/endpoints/test_data_export.py}.
     */
    static Instant[] dateRange(StandInRequest request, Instant now) throws InvalidParams {
        Instant start = now.minus(DEFAULT_PERIOD);
        Instant end = now;
        String statsPeriod = request.param("statsPeriod");
        String periodStart = request.param("statsPeriodStart");
        String periodEnd = request.param("statsPeriodEnd");
        if (statsPeriod != null) {
            start = beforeNow(statsPeriod, now);
        } else if (present(periodStart) || present(periodEnd)) {
            if (!present(periodStart) || !present(periodEnd)) {
                throw new InvalidParams("statsPeriodStart and statsPeriodEnd are both required");
            }
            start = beforeNow(periodStart, now);
            end = beforeNow(periodEnd, now);
        } else if (present(request.param("start")) || present(request.param("end"))) {
            if (!present(request.param("start")) || !present(request.param("end"))) {
                throw new InvalidParams("start and end are both required");
            }
            start = dateTime(request.param("start"));
            end = dateTime(request.param("end"));
        }
        if (!start.isBefore(end)) {
            throw new InvalidParams("start must be before end");
        }
        return new Instant[]{start, end};
    }

    private static boolean present(@Nullable String value) {
        return value != null && !value.isEmpty();
    }

    /** {@code get_datetime_from_stats_period}: {@code Invalid statsPeriod: '…'} (the value as Python's {@code repr}). */
    private static Instant beforeNow(String period, Instant now) throws InvalidParams {
        Matcher m = PERIOD.matcher(period);
        InvalidParams invalid = new InvalidParams("Invalid statsPeriod: " + pythonRepr(period));
        if (!m.find()) {
            throw invalid;
        }
        long unit = switch (m.group(2)) {
            case "h" -> 3600;
            case "d" -> 86_400;
            case "m" -> 60;
            case "w" -> 604_800;
            default -> 1;
        };
        BigInteger seconds = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unit));
        BigInteger earliest = BigInteger.valueOf(now.getEpochSecond() - PYTHON_MIN.getEpochSecond());
        if (seconds.compareTo(earliest) > 0) {
            throw invalid;
        }
        return now.minusSeconds(seconds.longValueExact());
    }

    /**
     * {@code parse_datetime_string} in {@code src/sentry/search/utils.py}: ISO 8601 ({@code datetime.fromisoformat},
     * {@code Z} allowed, no zone read as UTC), else a Unix timestamp, else {@code … is not a valid ISO8601 date query}.
     */
    private static Instant dateTime(String value) throws InvalidParams {
        String iso = value.replace("Z", "+00:00");
        String withT = iso.length() > 10 && iso.charAt(10) == ' ' ? iso.substring(0, 10) + "T" + iso.substring(11) : iso;
        try {
            return OffsetDateTime.parse(withT).toInstant();
        } catch (DateTimeParseException ignored) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(withT).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(withT).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        String number = value.strip();
        if (PYTHON_FLOAT.matcher(number).matches()) {
            double seconds = Double.parseDouble(number);
            if (Math.abs(seconds) < 2.5e11) {
                return Instant.ofEpochMilli((long) (seconds * 1000));
            }
        }
        throw new InvalidParams(value + " is not a valid ISO8601 date query");
    }

    /** Python's {@code repr} of a string, as an f-string's {@code !r} writes it (printable text). */
    static String pythonRepr(String s) {
        if (s.contains("'") && !s.contains("\"")) {
            return "\"" + s.replace("\\", "\\\\") + "\"";
        }
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
}
