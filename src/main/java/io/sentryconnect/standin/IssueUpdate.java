package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body of an issue update as {@code GroupValidator} reads it (src/sentry/api/helpers/group_index/validators/
 * group.py, a DRF serializer run with {@code partial=True}), and what {@code update_groups}
 * (src/sentry/api/helpers/group_index/update.py) does with it and answers: the changed fields, never the issues.
 *
 * <p>Played: {@code status}, {@code hasSeen}, {@code isBookmarked}, {@code assignedTo}, and the values a client sends
 * along without meaning a change ({@code statusDetails} {@code {}}, {@code substatus} and {@code snoozeDuration}
 * null). Any other of the validator's fields is refused with a 400 that says the stand-in does not play it: stricter
 * than Sentry, never kinder. Keys the validator does not know are ignored, as DRF ignores them.
 */
final class IssueUpdate {
    /** {@code STATUS_UPDATE_CHOICES} in src/sentry/models/group.py. */
    static final Set<String> STATUS_CHOICES = Set.of("resolved", "unresolved", "ignored", "resolvedInNextRelease", "muted");

    /** GroupValidator's fields the stand-in does not play, in the validator's order. */
    private static final List<String> NOT_PLAYED = List.of("inbox", "isPublic", "isSubscribed", "merge", "discard",
            "priority", "ignoreDuration", "ignoreCount", "ignoreWindow", "ignoreUserCount", "ignoreUserWindow", "inboxDetails");

    /** DRF's {@code BooleanField.TRUE_VALUES} and {@code FALSE_VALUES} (numbers are compared apart). */
    private static final Set<String> TRUE_STRINGS = Set.of("t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
            "on", "On", "ON", "1");
    private static final Set<String> FALSE_STRINGS = Set.of("f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
            "off", "Off", "OFF", "0");

    private static final String NULL = "This field may not be null.";

    private final Directory directory;
    private final ApiAnswers answers;
    private final ApiViews views;
    private final Json json;

    IssueUpdate(Directory directory, ApiAnswers answers, ApiViews views, Json json) {
        this.directory = directory;
        this.answers = answers;
        this.views = views;
        this.json = json;
    }

    /** What the body asks for, validated; a field that was not sent is absent from {@code validated}. */
    record Changes(Map<String, Object> validated) {
        @Nullable
        String status() {
            return (String) validated.get("status");
        }
    }

    /**
     * The request's data as DRF parses it ({@code request.data}, read only once the issues are found): JSON or a
     * form; an empty body, or one without a content type, is no data. Another content type is DRF's 415 (the
     * stand-in does not take the multipart bodies DRF would also parse); JSON that does not parse is its 400.
     */
    Object data(StandInRequest request) throws ApiAnswers.Refusal {
        String type = request.header("Content-Type");
        if (request.body().length == 0 || type == null) {
            return Map.of();
        }
        String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form = request.form();
            Map<String, Object> values = new LinkedHashMap<>();
            form.keySet().forEach(name -> values.put(name, FormCodec.value(form, name)));
            return values;
        }
        if (!mediaType.equals("application/json")) {
            throw new ApiAnswers.Refusal(answers.detail(415, "Unsupported media type \"" + type + "\" in request."));
        }
        try {
            return json.read(request.body());
        } catch (IOException | RuntimeException e) {
            throw new ApiAnswers.Refusal(answers.detail(400, "JSON parse error - " + e.getMessage()));
        }
    }

    /**
     * {@code validate_request}: the validator runs once for each project of the issues found, with that project and
     * its organization as context (the assignee rules depend on the project); the first that fails is the 400, with
     * DRF's errors by field.
     */
    Changes validate(Object data, Fixtures.Organization org, List<Fixtures.Project> projects) throws ApiAnswers.Refusal {
        if (!(data instanceof Map<?, ?> raw)) {
            String message = data == null ? "No data provided"
                    : "Invalid data. Expected a dictionary, but got " + pythonType(data) + ".";
            throw new ApiAnswers.Refusal(answers.json(400, Map.of("non_field_errors", List.of(message))));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) raw;
        for (String field : NOT_PLAYED) {
            if (body.containsKey(field)) {
                throw notPlayed(field);
            }
        }
        Changes changes = null;
        for (Fixtures.Project project : projects) {
            Map<String, List<String>> errors = new LinkedHashMap<>();
            Map<String, Object> validated = new LinkedHashMap<>();
            validateFields(body, org, project, validated, errors);
            if (!errors.isEmpty()) {
                throw new ApiAnswers.Refusal(answers.json(400, errors));
            }
            changes = new Changes(validated);
        }
        return changes;
    }

    private void validateFields(Map<String, Object> body, Fixtures.Organization org, Fixtures.Project project,
                                Map<String, Object> validated, Map<String, List<String>> errors) throws ApiAnswers.Refusal {
        if (body.containsKey("status")) {
            Object value = body.get("status");
            if (value == null) {
                errors.put("status", List.of(NULL));
            } else if (!STATUS_CHOICES.contains(pythonStr(value))) {
                errors.put("status", List.of("\"" + pythonStr(value) + "\" is not a valid choice."));
            } else {
                validated.put("status", pythonStr(value));
            }
        }
        if (body.containsKey("statusDetails")) {
            Object value = body.get("statusDetails");
            if (value == null) {
                errors.put("statusDetails", List.of(NULL));
            } else if (!(value instanceof Map<?, ?> details)) {
                errors.put("statusDetails", List.of("Invalid data. Expected a dictionary, but got " + pythonType(value) + "."));
            } else if (!details.isEmpty()) {
                throw notPlayed("statusDetails");
            } else {
                validated.put("statusDetails", Map.of());
            }
        }
        if (body.containsKey("substatus")) {
            if (body.get("substatus") != null) {
                throw notPlayed("substatus");
            }
            validated.put("substatus", null);
        }
        for (String flag : List.of("hasSeen", "isBookmarked")) {
            if (body.containsKey(flag)) {
                Object value = body.get(flag);
                Boolean parsed = value == null ? null : drfBoolean(value);
                if (value == null) {
                    errors.put(flag, List.of(NULL));
                } else if (parsed == null) {
                    errors.put(flag, List.of("Must be a valid boolean."));
                } else {
                    validated.put(flag, parsed);
                }
            }
        }
        if (body.containsKey("assignedTo")) {
            Object value = body.get("assignedTo");
            if (value == null) {
                errors.put("assignedTo", List.of(NULL));
            } else {
                try {
                    validated.put("assignedTo", assignee(value, org, project));
                } catch (InvalidActor e) {
                    errors.put("assignedTo", List.of(e.getMessage()));
                }
            }
        }
        if (body.containsKey("snoozeDuration")) {
            // Deprecated; "the CLI sends this for any issue update, so allow nulls".
            if (body.get("snoozeDuration") != null) {
                throw notPlayed("snoozeDuration");
            }
            validated.put("snoozeDuration", null);
        }
    }

    private ApiAnswers.Refusal notPlayed(String field) {
        return new ApiAnswers.Refusal(answers.detail(400, "The Sentry stand-in does not play \"" + field
                + "\" in issue updates (docs/standin.md)."));
    }

    /** DRF's {@code BooleanField.to_internal_value}; null where it fails with "Must be a valid boolean.". */
    @Nullable
    static Boolean drfBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 1 ? Boolean.TRUE : d == 0 ? Boolean.FALSE : null;
        }
        if (value instanceof String s) {
            return TRUE_STRINGS.contains(s) ? Boolean.TRUE : FALSE_STRINGS.contains(s) ? Boolean.FALSE : null;
        }
        return null;
    }

    /** Why {@code parse_and_validate_actor} or {@code validate_assignedTo} refuses an assignee. */
    private static final class InvalidActor extends Exception {
        InvalidActor(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * src/sentry/api/fields/actor.py, {@code ActorField}, then {@code parse_and_validate_actor}
     * (src/sentry/types/actor.py) and {@code GroupValidator.validate_assignedTo}: an empty value unassigns (null);
     * {@code Actor.from_identifier} reads a number or digits as a user id, {@code user:<id>}, {@code team:<id>}, or
     * else a username (here: the user's email); the user or team must exist, the team be the organization's, the user
     * a member of it. Unless the organization allows join/leave, a user must also be on one of the project's teams
     * and a team be one of them. The actor's identifier ({@code user:<id>} or {@code team:<id>}), or null.
     */
    @Nullable
    private String assignee(Object value, Fixtures.Organization org, Fixtures.Project project) throws InvalidActor {
        if (isFalsy(value)) {
            return null;
        }
        String type;
        String id;
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            // Python's bool is an int: True is user 1.
            type = "user";
            id = value instanceof Boolean ? "1" : value.toString();
        } else if (value instanceof String s) {
            if (s.matches("[0-9]+")) {
                type = "user";
                id = new java.math.BigInteger(s).toString();
            } else if (s.startsWith("user:") || s.startsWith("team:")) {
                type = s.substring(0, 4);
                id = ApiEndpoints.pythonInt(s.substring(5));
                if (id == null) {
                    throw unparsable();
                }
            } else {
                type = "user";
                id = directory.users().stream().filter(u -> u.email().equalsIgnoreCase(s)).findFirst()
                        .orElseThrow(IssueUpdate::unparsable).id();
            }
        } else {
            throw unparsable();
        }
        if (type.equals("team")) {
            // Str-mixin enums format as their qualified name since Python 3.11: "ActorType.TEAM does not exist".
            Fixtures.Team team = directory.teamById(id).orElseThrow(() -> new InvalidActor("ActorType.TEAM does not exist"));
            if (!team.orgSlug().equals(org.slug())) {
                throw new InvalidActor("Team is not a member of this organization");
            }
            if (!org.allowsJoinLeave() && !project.teams().contains(team.slug())) {
                throw new InvalidActor("Cannot assign to a team without access to the project");
            }
            return "team:" + id;
        }
        if (directory.user(id).isEmpty()) {
            throw new InvalidActor("ActorType.USER does not exist");
        }
        if (!directory.isMember(id, org.id())) {
            throw new InvalidActor("User is not a member of this organization");
        }
        if (!org.allowsJoinLeave() && !directory.hasProjectMembership(id, project)) {
            throw new InvalidActor("Cannot assign to non-team member");
        }
        return "user:" + id;
    }

    private static InvalidActor unparsable() {
        return new InvalidActor("Could not parse actor. Format should be `type:id` where type is `team` or `user`.");
    }

    private static boolean isFalsy(Object value) {
        return value instanceof Boolean b && !b
                || value instanceof Number n && n.doubleValue() == 0
                || value instanceof String s && s.isEmpty()
                || value instanceof List<?> l && l.isEmpty()
                || value instanceof Map<?, ?> m && m.isEmpty();
    }

    /**
     * Applies the changes to the issues found and answers as {@code update_groups} and {@code prepare_response} do:
     * the validated fields, {@code statusDetails} popped, then what each handler sets. {@code resolved} adds
     * {@code statusDetails {}} and {@code inbox null} (handle_resolve_in_release, process_group_resolution),
     * {@code unresolved} {@code statusDetails {}}, {@code ignored} (and the old {@code muted}, which it stores as
     * ignored) {@code statusDetails {}} and {@code inbox null} (handle_other_status_updates, handle_ignored);
     * {@code assignedTo} becomes the assignee's {@code ActorSerializer} JSON or null. {@code hasSeen} marks only the
     * issues of projects the user is on a team of (handle_has_seen: {@code project.member_set}); un-seeing and
     * bookmarks apply to all. {@code resolvedInNextRelease} over several projects is Sentry's 400; on one it is not
     * played in the bulk answer (Sentry would answer its release resolution and activity), but {@code single} (the
     * issue details, which answer the issue, not this delta) takes it as resolved.
     */
    Map<String, Object> apply(Changes changes, List<Fixtures.Issue> issues, List<Fixtures.Project> projects, String userId,
                              IssueChanges state, boolean single) throws ApiAnswers.Refusal {
        Map<String, Object> result = new LinkedHashMap<>(changes.validated());
        result.remove("statusDetails");
        String status = changes.status();
        if ("resolvedInNextRelease".equals(status)) {
            if (projects.size() > 1) {
                throw new ApiAnswers.Refusal(answers.detail(400, "Cannot set resolved for multiple projects."));
            }
            if (!single) {
                throw new ApiAnswers.Refusal(answers.detail(400, "The Sentry stand-in does not play the status "
                    + "\"resolvedInNextRelease\" in bulk issue updates (docs/standin.md)."));
            }
        }
        String stored = status == null ? null
                : status.equals("muted") ? "ignored" : status.equals("resolvedInNextRelease") ? "resolved" : status;
        if (stored != null) {
            result.put("statusDetails", Map.of());
            if (!stored.equals("unresolved")) {
                result.put("inbox", null);
            }
        }
        Boolean seen = (Boolean) changes.validated().get("hasSeen");
        Boolean bookmarked = (Boolean) changes.validated().get("isBookmarked");
        boolean assign = changes.validated().containsKey("assignedTo");
        String assignee = (String) changes.validated().get("assignedTo");
        if (assign) {
            result.put("assignedTo", assignee == null ? null : views.actorJson(assignee));
        }
        for (Fixtures.Issue issue : issues) {
            boolean member = directory.projectById(issue.projectId()).map(p -> directory.hasProjectMembership(userId, p))
                    .orElse(false);
            state.updateIssue(issue.id(), current -> {
                Fixtures.Issue next = stored == null ? current : current.withStatus(stored);
                boolean nextSeen = seen == null ? next.hasSeen() : seen ? member || next.hasSeen() : false;
                next = next.withFlags(bookmarked == null ? next.isBookmarked() : bookmarked, nextSeen);
                return assign ? next.withAssignee(assignee) : next;
            });
        }
        return result;
    }

    /** Python's {@code type(value).__name__} for a parsed JSON value. */
    private static String pythonType(Object value) {
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
            return "float";
        }
        if (value instanceof Number) {
            return "int";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        return value instanceof Map<?, ?> ? "dict" : "NoneType";
    }

    /** Python's {@code str(value)}, as DRF formats a refused choice. */
    private static String pythonStr(Object value) {
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(item instanceof String s ? "'" + s + "'" : item == null ? "None" : pythonStr(item)));
            return "[" + String.join(", ", items) + "]";
        }
        return String.valueOf(value);
    }
}
