package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Sentry's cursor pagination of list endpoints, played paginator by paginator as {@code src/sentry/api/paginator.py}
 * and {@code src/sentry/utils/cursors.py} page a sorted list: the {@code value:offset:is_prev} cursor, its parsing,
 * {@code per_page} ({@code clamp_pagination_per_page} in {@code src/sentry/utils/pagination_factory.py}) and the
 * {@code Link} / {@code X-Hits} / {@code X-Max-Hits} headers ({@code Endpoint.add_cursor_headers} and
 * {@code build_cursor_link} in {@code src/sentry/api/base.py}). Hand-written: there is no Java port of these.
 */
final class ApiPages {
    /** {@code PAGINATION_DEFAULT_PER_PAGE} and the default {@code max_per_page} of {@code Endpoint.get_per_page}. */
    static final int PER_PAGE = 100;
    /** {@code MAX_LIMIT} of paginator.py: every paginator clamps its limit to it. */
    static final int MAX_LIMIT = 100;
    /** {@code MAX_HITS_LIMIT} of paginator.py, {@code SEARCH_MAX_HITS} of the issue search. */
    static final int MAX_HITS = 1000;

    private final ApiAnswers answers;
    private final Urls urls;

    ApiPages(ApiAnswers answers, Urls urls) {
        this.answers = answers;
        this.urls = urls;
    }

    /**
     * {@code Cursor} of cursors.py: {@code from_string} splits at {@code :} into exactly three parts, the value a float
     * when it has a dot and an int otherwise, offset and is_prev ints (Python's {@code int()}: blanks, a sign and
     * underscores allowed; any non-zero is_prev is true). {@code str()} writes the value as Python does.
     */
    record Cursor(double value, boolean floating, long offset, boolean isPrev) {
        static final Cursor ZERO = new Cursor(0, false, 0, false);

        static Cursor of(long value, long offset, boolean isPrev) {
            return new Cursor(value, false, offset, isPrev);
        }

        @Nullable
        static Cursor parse(String text) {
            String[] bits = text.split(":", -1);
            if (bits.length != 3) {
                return null;
            }
            Double value;
            boolean floating = bits[0].contains(".");
            if (floating) {
                value = pythonFloat(bits[0]);
            } else {
                BigInteger v = pythonInteger(bits[0]);
                value = v == null ? null : v.doubleValue();
            }
            BigInteger offset = pythonInteger(bits[1]);
            BigInteger prev = pythonInteger(bits[2]);
            if (value == null || offset == null || prev == null) {
                return null;
            }
            return new Cursor(value, floating, clamp(offset), prev.signum() != 0);
        }

        boolean hasValue() {
            return value != 0;
        }

        @Override
        public String toString() {
            String v = floating ? pythonFloatString(value) : Long.toString((long) value);
            return v + ":" + offset + ":" + (isPrev ? 1 : 0);
        }
    }

    /** A cursor of a page and whether it has results: the {@code results="…"} of its link. */
    record Link(Cursor cursor, boolean results) {
    }

    /** {@code CursorResult}: the page, both cursors, and the hit counts where the paginator counted them. */
    record Page<T>(List<T> results, Link prev, Link next, @Nullable Integer hits, @Nullable Integer maxHits) {
        Page<T> withHits(@Nullable Integer newHits) {
            return new Page<>(results, prev, next, newHits, maxHits);
        }
    }

    /** {@code BadPaginationError}: {@code Endpoint.paginate} answers it as a 400 with its message. */
    static final class BadPagination extends Exception {
        BadPagination(String message) {
            super(message, null, false, false);
        }
    }

    /** A paginator over an already sorted list; the endpoint chooses which, as Sentry's view passes paginator_cls. */
    interface Paginator<T> {
        Page<T> page(int limit, Cursor cursor) throws BadPagination, ApiAnswers.Refusal;
    }

    // --- Endpoint.paginate --------------------------------------------------------------------------------------

    /**
     * {@code Endpoint.paginate}: {@code per_page} first ({@code get_per_page}), then the cursor
     * ({@code get_cursor_from_request}), then the paginator; a {@code BadPaginationError} is a 400 with its message.
     */
    <T> StandInResponse paginate(StandInRequest request, Paginator<T> paginator, Function<T, Map<String, Object>> view)
            throws ApiAnswers.Refusal {
        int perPage = perPage(request);
        Cursor cursor = cursor(request);
        Page<T> page;
        try {
            page = paginator.page(perPage, cursor == null ? Cursor.ZERO : cursor);
        } catch (BadPagination e) {
            throw new ApiAnswers.Refusal(answers.detail(400, e.getMessage()));
        }
        return respond(request, page, view);
    }

    /**
     * {@code clamp_pagination_per_page}: Python's {@code int()} of {@code per_page} (else {@code Invalid per_page
     * parameter.}), between 1 and 100 (else {@code Invalid per_page value. Must be between 1 and 100.}).
     */
    int perPage(StandInRequest request) throws ApiAnswers.Refusal {
        String param = request.param("per_page");
        if (param == null) {
            return PER_PAGE;
        }
        BigInteger value = pythonInteger(param);
        if (value == null) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Invalid per_page parameter."));
        }
        if (value.compareTo(BigInteger.ONE) < 0 || value.compareTo(BigInteger.valueOf(PER_PAGE)) > 0) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Invalid per_page value. Must be between 1 and " + PER_PAGE + "."));
        }
        return value.intValue();
    }

    /** {@code get_cursor}: no cursor when absent or empty; one {@code Cursor.from_string} refuses is a 400. */
    @Nullable
    Cursor cursor(StandInRequest request) throws ApiAnswers.Refusal {
        String param = request.param("cursor");
        if (param == null || param.isEmpty()) {
            return null;
        }
        Cursor cursor = Cursor.parse(param);
        if (cursor == null) {
            throw new ApiAnswers.Refusal(answers.detail(400, "Invalid cursor parameter."));
        }
        return cursor;
    }

    /**
     * {@code add_cursor_headers}: {@code X-Hits} and {@code X-Max-Hits} when the paginator counted, and the
     * {@code Link} header with the previous and the next link.
     */
    <T> StandInResponse respond(StandInRequest request, Page<T> page, Function<T, Map<String, Object>> view) {
        List<Map<String, Object>> body = page.results().stream().map(view).toList();
        StandInResponse response = answers.ok(body);
        if (page.hits() != null) {
            response = response.withHeader("X-Hits", Integer.toString(page.hits()));
        }
        if (page.maxHits() != null) {
            response = response.withHeader("X-Max-Hits", Integer.toString(page.maxHits()));
        }
        return response.withHeader("Link", link(request, "previous", page.prev()) + ", " + link(request, "next", page.next()));
    }

    /**
     * {@code build_cursor_link}: the absolute path, {@code ?}, the query without {@code cursor} as Django's
     * {@code QueryDict.urlencode} writes it (each name once with all its values, {@code quote_plus} encoding), then
     * {@code &cursor=…}; so a request without other parameters links to {@code …/?&cursor=…}.
     */
    private String link(StandInRequest request, String rel, Link link) {
        String query = request.query().entrySet().stream()
                .filter(e -> !e.getKey().equals("cursor"))
                .flatMap(e -> e.getValue().stream().map(v -> quotePlus(e.getKey()) + "=" + quotePlus(v)))
                .collect(Collectors.joining("&"));
        String base = Urls.plain(urls.of(request.origin())) + request.path() + "?" + query;
        String cursor = link.cursor().toString();
        return "<" + base + "&cursor=" + cursor + ">; rel=\"" + rel + "\"; results=\"" + link.results() + "\"; cursor=\"" + cursor + "\"";
    }

    /** Python's {@code urllib.parse.quote_plus}: like the JDK's form encoding, except that {@code ~} stays and {@code *} does not. */
    private static String quotePlus(String s) {
        return FormCodec.encode(s).replace("*", "%2A").replace("%7E", "~");
    }

    // --- the paginators -----------------------------------------------------------------------------------------

    /**
     * {@code OffsetPaginator}: the cursor's value is the page size and its offset the page number, so a page starts
     * at {@code offset × value}; a negative start is {@code Pagination offset cannot be negative}. The next cursor is
     * {@code limit:page+1:0}, the previous {@code limit:page-1:1} (with results only after page 0), whatever the
     * cursor asked for. With {@code maxOffset} (ChainPaginator below shares the arithmetic) a start at or past it is
     * {@code Pagination offset too large}.
     */
    <T> Paginator<T> offset(List<T> sorted) {
        return (limit, cursor) -> {
            int l = Math.min(limit, MAX_LIMIT);
            long page = cursor.offset();
            double start = page * cursor.value();
            double stop = start + (cursor.hasValue() ? cursor.value() : l) + 1;
            if (start < 0) {
                throw new BadPagination("Pagination offset cannot be negative");
            }
            if (stop < 0) {
                // a negative page size in the cursor: Django's "Negative indexing is not supported.", uncaught
                throw new ApiAnswers.Refusal(answers.internalError());
            }
            List<T> results = slice(sorted, start, stop);
            if (cursor.value() != l) {
                results = results.subList(Math.max(0, results.size() - (l + 1)), results.size());
            }
            boolean more = results.size() > l;
            results = results.subList(0, Math.min(l, results.size()));
            return new Page<>(results, new Link(Cursor.of(l, page - 1, true), page > 0),
                    new Link(Cursor.of(l, page + 1, false), more), null, null);
        };
    }

    /**
     * {@code ChainPaginator} over one source (the release files; the stand-in keeps no release archives): the
     * cursor is read as {@code OffsetPaginator}'s, checked against {@code max_offset} first, and the page is the
     * {@code limit} rows from {@code offset × value}.
     */
    <T> Paginator<T> chain(List<T> sorted, long maxOffset) {
        return (limit, cursor) -> {
            int l = Math.min(limit, MAX_LIMIT);
            long page = cursor.offset();
            double start = page * cursor.value();
            if (start >= maxOffset) {
                throw new BadPagination("Pagination offset too large");
            }
            if (start < 0) {
                throw new BadPagination("Pagination offset cannot be negative");
            }
            List<T> results = slice(sorted, start, start + l + 1);
            boolean more = results.size() > l;
            results = results.subList(0, Math.min(l, results.size()));
            return new Page<>(results, new Link(Cursor.of(l, page - 1, true), page > 0),
                    new Link(Cursor.of(l, page + 1, false), more), null, null);
        };
    }

    /**
     * {@code DateTimePaginator} with a descending order ({@code "-date_added"}, {@code "-last_seen"}): the cursor's
     * value is a time in milliseconds the page starts at (rows at or before it; at or after it for a previous
     * cursor) and its offset the rows to skip past it, and {@code build_cursor} makes the next cursor from the first
     * row of the next page. {@code sortedDesc} is the list newest first; {@code millis} the key. A negative offset
     * reaches Django's {@code Negative indexing is not supported.}, uncaught: a 500.
     */
    <T> Paginator<T> dateTime(List<T> sortedDesc, ToLongFunction<T> millis, boolean countHits) {
        return (limit, cursor) -> dateTimePage(sortedDesc, millis, countHits, limit, cursor);
    }

    /** One page of {@link #dateTime}. */
    <T> Page<T> dateTimePage(List<T> sortedDesc, ToLongFunction<T> millis, boolean countHits, int limit, Cursor cursor)
            throws ApiAnswers.Refusal {
        int l = Math.min(limit, MAX_LIMIT);
        // BasePaginator.build_queryset: a previous cursor reads the rows in ascending order, then reverses them.
        boolean asc = cursor.isPrev();
        List<T> rows = new ArrayList<>(sortedDesc);
        if (asc) {
            Collections.reverse(rows);
        }
        if (cursor.hasValue()) {
            double v = cursor.value();
            rows = rows.stream().filter(r -> asc ? millis.applyAsLong(r) >= v : millis.applyAsLong(r) <= v).toList();
        }
        Integer hits = countHits ? Math.min(sortedDesc.size(), MAX_HITS) : null;
        int extra = cursor.isPrev() && cursor.hasValue() ? 2 : 1;
        if (cursor.offset() < 0) {
            throw new ApiAnswers.Refusal(answers.internalError());
        }
        List<T> results = new ArrayList<>(slice(rows, cursor.offset(), (double) cursor.offset() + l + extra));
        if (cursor.isPrev() && cursor.hasValue()) {
            if (!results.isEmpty() && millis.applyAsLong(results.get(0)) == cursor.value()) {
                results = new ArrayList<>(results.subList(1, results.size()));
            } else if (results.size() == cursor.offset() + l + extra) {
                results.remove(results.size() - 1);
            }
        }
        if (cursor.isPrev()) {
            Collections.reverse(results);
        }
        return buildCursor(results, millis, l, cursor, hits, countHits ? MAX_HITS : null);
    }

    /** {@code build_cursor} of cursors.py for a descending key, with {@code _build_next_values} and {@code _build_prev_values}. */
    private static <T> Page<T> buildCursor(List<T> results, ToLongFunction<T> key, int limit, Cursor cursor,
                                           @Nullable Integer hits, @Nullable Integer maxHits) {
        int n = results.size();
        // _build_next_values
        double value = cursor.value();
        if (value == 0 && n > 0) {
            value = key.applyAsLong(results.get(0));
        }
        double nextValue;
        long nextOffset;
        boolean hasNext;
        if (cursor.isPrev()) {
            nextValue = value;
            nextOffset = 0;
            hasNext = true;
        } else if (n == 0) {
            nextValue = value;
            nextOffset = cursor.offset();
            hasNext = false;
        } else {
            hasNext = n > limit;
            nextValue = key.applyAsLong(results.get(n - 1));
            if (nextValue == value) {
                nextOffset = cursor.offset() + limit;
            } else {
                nextOffset = 0;
                for (int i = hasNext ? n - 2 : n - 1; i >= 0; i--) {
                    if (key.applyAsLong(results.get(i)) <= nextValue) {
                        nextOffset++;
                    } else {
                        break;
                    }
                }
            }
        }
        // _build_prev_values
        boolean hasPrev = cursor.isPrev() ? n > limit : cursor.value() != 0 || cursor.offset() != 0;
        int firstPrev = cursor.isPrev() && hasPrev ? 1 : 0;
        double prevValue = n > 0 ? key.applyAsLong(results.get(firstPrev)) : 0;
        long prevOffset = cursor.isPrev() ? cursor.offset() : 0;
        if (cursor.isPrev() && n > 0) {
            if (prevValue == cursor.value()) {
                prevOffset = cursor.offset() + limit;
            } else {
                prevOffset = 0;
                for (int i = firstPrev + 1; i < n; i++) {
                    if (key.applyAsLong(results.get(i)) >= prevValue) {
                        prevOffset++;
                    } else {
                        break;
                    }
                }
            }
        }
        List<T> page;
        if (cursor.isPrev() && hasPrev) {
            page = results.subList(1, n);
        } else if (!cursor.isPrev()) {
            page = results.subList(0, Math.min(limit, n));
        } else {
            page = results;
        }
        return new Page<>(page, new Link(new Cursor(prevValue, false, prevOffset, true), hasPrev),
                new Link(new Cursor(nextValue, false, nextOffset, false), hasNext), hits, maxHits);
    }

    /** A row of {@link #sequence} with its score and the id that breaks ties. */
    record Scored<T>(long score, long id, T item) {
    }

    /**
     * {@code SequencePaginator(data, reverse=True)}, as the issue search pages Snuba's scores: the rows sorted by
     * (score, id) descending; a cursor's value is a score and its offset the rows past the first one at or below it
     * (a previous cursor: the rows before that position). With {@code knownHits}, {@code X-Hits} is it (at most
     * 1000) and {@code X-Max-Hits} 1000. A negative offset fails its {@code assert cursor.offset > -1}: a 500.
     */
    <T> Page<T> sequence(List<Scored<T>> data, int limit, Cursor cursor, @Nullable Integer knownHits)
            throws ApiAnswers.Refusal {
        List<Scored<T>> rows = new ArrayList<>(data);
        rows.sort((a, b) -> a.score() != b.score() ? Long.compare(b.score(), a.score()) : Long.compare(b.id(), a.id()));
        long[] scores = rows.stream().mapToLong(Scored::score).toArray();
        int n = scores.length;
        int l = Math.min(limit, MAX_LIMIT);
        if (cursor.offset() < 0) {
            throw new ApiAnswers.Refusal(answers.internalError());
        }
        long position = !cursor.hasValue() ? (cursor.isPrev() ? n : 0) : search(scores, cursor.value(), n);
        position += cursor.offset();
        long lo;
        long hi;
        if (cursor.isPrev()) {
            hi = Math.min(position, n);
            lo = Math.max(hi - l, 0);
        } else {
            lo = Math.max(position, 0);
            hi = Math.min(lo + l, n);
        }
        Link prev;
        Link next;
        if (n > 0) {
            long prevScore = scores[(int) Math.min(lo, n - 1)];
            prev = new Link(Cursor.of(prevScore, lo - search(scores, prevScore, (int) Math.min(lo, n)), true), lo > 0);
            long nextScore = scores[(int) Math.min(hi, n - 1)];
            next = new Link(Cursor.of(nextScore, hi - search(scores, nextScore, (int) Math.min(hi, n)), false), hi < n);
        } else {
            prev = new Link(new Cursor(cursor.value(), cursor.floating(), cursor.offset(), true), false);
            next = new Link(new Cursor(cursor.value(), cursor.floating(), cursor.offset(), false), false);
        }
        List<T> results = lo < hi && lo < n ? rows.subList((int) lo, (int) Math.min(hi, n)).stream().map(Scored::item).toList()
                : List.of();
        Integer hits = knownHits == null ? null : Math.min(knownHits, MAX_HITS);
        return new Page<>(results, prev, next, hits, hits == null ? null : MAX_HITS);
    }

    /** {@code reverse_bisect_left}: the first index below {@code hi} whose score is at or below {@code x}. */
    private static int search(long[] descending, double x, int hi) {
        int lo = 0;
        int h = Math.min(hi, descending.length);
        while (lo < h) {
            int mid = (lo + h) >>> 1;
            if (descending[mid] > x) {
                lo = mid + 1;
            } else {
                h = mid;
            }
        }
        return lo;
    }

    /**
     * {@code Paginator(Group.objects.none()).get_result()}, the search's {@code empty_result}: no rows, cursors
     * {@code 0:0:1} and {@code 0:0:0} without results, and no hit counts.
     */
    static <T> Page<T> empty() {
        return new Page<>(List.of(), new Link(Cursor.of(0, 0, true), false), new Link(Cursor.of(0, 0, false), false), null, null);
    }

    // --- Python's numbers ---------------------------------------------------------------------------------------

    /** Python's {@code int(str)}: surrounding blanks, a sign, underscores between digits; null where it raises. */
    @Nullable
    static BigInteger pythonInteger(String text) {
        String v = ApiEndpoints.pythonInt(text);
        return v == null ? null : new BigInteger(v);
    }

    /** Python's {@code float(str)} of a decimal with a dot (the only floats a cursor's value takes); null where it raises. */
    @Nullable
    private static Double pythonFloat(String text) {
        String digits = "[0-9](_?[0-9])*";
        String v = text.strip();
        if (!v.matches("[+-]?(" + digits + "\\.(" + digits + ")?|\\." + digits + ")([eE][+-]?" + digits + ")?")) {
            return null;
        }
        return Double.parseDouble(v.replace("_", ""));
    }

    /** Python's {@code str(float)}, for the floats the stand-in echoes back (a cursor it was sent). */
    private static String pythonFloatString(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e16) {
            return Long.toString((long) value) + ".0";
        }
        return Double.toString(value);
    }

    private static long clamp(BigInteger value) {
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE / 4);
        return value.max(max.negate()).min(max).longValue();
    }

    /** A Django queryset slice {@code [start:stop]} (Django truncates float bounds with {@code int()}). */
    private static <T> List<T> slice(List<T> rows, double start, double stop) {
        long from = (long) start;
        long to = (long) stop;
        if (from >= rows.size() || to <= from) {
            return List.of();
        }
        return rows.subList((int) from, (int) Math.min(to, rows.size()));
    }
}
