package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bulk mutation of the issue lists: {@code PUT} and {@code DELETE} of {@code organizations/{org}/issues/}
 * ({@code OrganizationGroupIndexEndpoint.put}/{@code .delete}, src/sentry/issues/endpoints/
 * organization_group_index.py) and of {@code projects/{org}/{project}/issues/} ({@code ProjectGroupIndexEndpoint},
 * project_group_index.py). The caller has checked the scopes, the organization and the projects; this finds the
 * issues as {@code update_groups_with_search_fn} (src/sentry/api/helpers/group_index/update.py) and
 * {@code schedule_tasks_to_delete_groups} (delete.py) do, then updates or deletes them.
 */
final class IssueBulk {
    /** {@code BULK_MUTATION_LIMIT} in src/sentry/api/helpers/group_index/__init__.py: what one search may touch. */
    static final int BULK_MUTATION_LIMIT = 1000;

    /** How the endpoint reads the {@code id} parameters. */
    enum Ids {
        /** The organization's {@code put}: {@code int()} of each, in the view, before anything else. */
        ORGANIZATION,
        /** The project's {@code put}: the raw strings, handed to {@code get_group_list}. */
        PROJECT
    }

    private final Directory directory;
    private final StandInState state;
    private final ApiAnswers answers;
    private final IssueUpdate update;

    IssueBulk(Directory directory, StandInState state, ApiAnswers answers, IssueUpdate update) {
        this.directory = directory;
        this.state = state;
        this.answers = answers;
        this.update = update;
    }

    /**
     * {@code update_groups_with_search_fn}: the issues named by {@code id} among the chosen projects; when {@code id}
     * names none of them (none given, or all unknown, of another organization or outside the chosen projects), the
     * issues the search finds ({@code query}, {@code is:unresolved} when absent), at most 1000. None at all: 204. Only
     * then is the body read and validated, so a bad body over no issues is a 204 too.
     */
    StandInResponse put(StandInRequest request, StandInState.ApiToken token, Fixtures.Organization org,
                        List<Fixtures.Project> projects, Ids rule) throws ApiAnswers.Refusal {
        refuseUnplayedParameters(request);
        List<Fixtures.Issue> found = List.of();
        List<String> ids = request.params("id");
        if (!ids.isEmpty()) {
            found = rule == Ids.ORGANIZATION ? byIntegers(ids, projects) : byProjectIds(ids, org, projects);
        }
        if (found.isEmpty()) {
            // A query the parser refuses (its ValidationError) is caught here with a message of the update's own.
            found = search(request, projects, "Invalid query. Error getting group ids and group list");
        }
        if (found.isEmpty()) {
            // Response({"detail": "No groups found"}, status=204): a 204 carries no body.
            return StandInResponse.empty(204);
        }
        Object data = update.data(request);
        List<Fixtures.Project> touched = projectsOf(found);
        IssueUpdate.Changes changes = update.validate(data, org, touched);
        return answers.ok(update.apply(changes, found, touched, token.userId(), state.issues(), false));
    }

    /**
     * {@code schedule_tasks_to_delete_groups}: with {@code id}, exactly those of the chosen projects (no search when
     * none matches); without, the issues the search finds, at most 1000. Always 204. The ids go to the database as
     * they came, so one that is not an integer fails the query, and the view answers its own 500
     * ({@code "Error deleting groups"}).
     */
    StandInResponse delete(StandInRequest request, List<Fixtures.Project> projects) throws ApiAnswers.Refusal {
        refuseUnplayedParameters(request);
        List<String> ids = request.params("id");
        List<Fixtures.Issue> found;
        if (!ids.isEmpty()) {
            Set<String> wanted = new HashSet<>();
            for (String id : ids) {
                String value = ApiEndpoints.pythonInt(id);
                if (value == null) {
                    throw new ApiAnswers.Refusal(answers.detail(500, "Error deleting groups"));
                }
                wanted.add(value);
            }
            found = issuesOf(projects).stream().filter(i -> wanted.contains(i.id())).toList();
        } else {
            // schedule_tasks_to_delete_groups answers the search's ValidationError with its message.
            found = search(request, projects, null);
        }
        state.issues().delete(found.stream().map(Fixtures.Issue::id).toList());
        return StandInResponse.empty(204);
    }

    /**
     * {@code environment} (the organization's view resolves it before anything else, an unknown one a 404; the search
     * keeps to it) and {@code cursor} (the search starts there) would narrow what Sentry touches; the stand-in has no
     * environments and does not page the search, so it refuses them rather than touch more than Sentry would.
     */
    private void refuseUnplayedParameters(StandInRequest request) throws ApiAnswers.Refusal {
        for (String name : List.of("environment", "cursor")) {
            if (request.param(name) != null) {
                throw new ApiAnswers.Refusal(answers.detail(400, "The Sentry stand-in does not play the parameter \""
                        + name + "\" of bulk issue changes (docs/standin.md)."));
            }
        }
    }

    /**
     * The organization's ids: {@code [int(id) for id in request.GET.getlist("id")]} in the view, so one that Python's
     * {@code int()} refuses is an uncaught {@code ValueError}, a 500; then {@code get_group_list} keeps those that are
     * digits when written out (a negative id never matches).
     */
    private List<Fixtures.Issue> byIntegers(List<String> ids, List<Fixtures.Project> projects) throws ApiAnswers.Refusal {
        Set<String> wanted = new HashSet<>();
        for (String id : ids) {
            String value = ApiEndpoints.pythonInt(id);
            if (value == null) {
                throw new ApiAnswers.Refusal(answers.internalError());
            }
            wanted.add(value);
        }
        return issuesOf(projects).stream().filter(i -> wanted.contains(i.id())).toList();
    }

    /**
     * The project's ids, as {@code get_group_list} reads strings: those made of digits pick issues of the project;
     * when none is, each is a short id ({@code Group.objects.by_qualified_short_id}: any project of the organization,
     * not deleted, the project slug in any case), and one that names no issue raises {@code Group.DoesNotExist},
     * which nothing catches: a 500.
     */
    private List<Fixtures.Issue> byProjectIds(List<String> ids, Fixtures.Organization org, List<Fixtures.Project> projects)
            throws ApiAnswers.Refusal {
        Set<String> digits = new HashSet<>();
        ids.stream().filter(id -> id.matches("[0-9]+")).forEach(id -> digits.add(new java.math.BigInteger(id).toString()));
        if (!digits.isEmpty()) {
            return issuesOf(projects).stream().filter(i -> digits.contains(i.id())).toList();
        }
        List<Fixtures.Issue> ofOrganization = issuesOf(directory.projectsOf(org.slug()));
        Map<String, Fixtures.Issue> found = new LinkedHashMap<>();
        for (String shortId : ids) {
            Fixtures.Issue issue = ofOrganization.stream()
                    .filter(i -> i.shortId().toUpperCase(Locale.ROOT).equals(shortId.toUpperCase(Locale.ROOT)))
                    .findFirst().orElseThrow(() -> new ApiAnswers.Refusal(answers.internalError()));
            found.put(issue.id(), issue);
        }
        return List.copyOf(found.values());
    }

    /**
     * The search of the endpoint ({@code _search} / {@code prep_search} with {@code build_query_params_from_request}):
     * {@code query}, {@code is:unresolved} when absent and nothing when empty, over the chosen projects, most
     * recently seen first, at most {@code BULK_MUTATION_LIMIT}. A query the parser refuses is a 400: with
     * {@code refusal} as its detail, else {@code Error parsing search query: …}.
     */
    private List<Fixtures.Issue> search(StandInRequest request, List<Fixtures.Project> projects, @Nullable String refusal)
            throws ApiAnswers.Refusal {
        String query = request.param("query") == null ? "is:unresolved" : request.param("query").strip();
        java.util.function.Predicate<Fixtures.Issue> matches;
        try {
            matches = query.isEmpty() ? i -> true : IssueSearch.parse(query);
        } catch (IssueSearch.InvalidQuery e) {
            throw new ApiAnswers.Refusal(answers.detail(400, refusal != null ? refusal : "Error parsing search query: " + e.getMessage()));
        }
        List<Fixtures.Issue> all = new ArrayList<>(issuesOf(projects));
        all.sort(Comparator.comparing(Fixtures.Issue::lastSeen).reversed());
        return all.stream().filter(matches).limit(BULK_MUTATION_LIMIT).toList();
    }

    private List<Fixtures.Issue> issuesOf(List<Fixtures.Project> projects) {
        List<Fixtures.Issue> issues = new ArrayList<>();
        projects.forEach(p -> issues.addAll(state.issues().issuesOf(p.id())));
        return issues;
    }

    /** The projects of the issues, in the order their first issue comes ({@code project_lookup}). */
    private List<Fixtures.Project> projectsOf(List<Fixtures.Issue> issues) {
        Map<String, Fixtures.Project> projects = new LinkedHashMap<>();
        for (Fixtures.Issue issue : issues) {
            projects.computeIfAbsent(issue.projectId(), id -> directory.projectById(id).orElseThrow());
        }
        return List.copyOf(projects.values());
    }
}
