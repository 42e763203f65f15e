package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The release file endpoints, {@code OrganizationReleaseFilesEndpoint} and {@code ProjectReleaseFilesEndpoint}
 * ({@code src/sentry/releases/endpoints/organization_release_files.py} and {@code project_release_files.py}, whose
 * {@code ReleaseFilesMixin} both use): {@code GET} lists a release's files, {@code POST} uploads one as
 * {@code multipart/form-data}. Scopes are {@code OrganizationReleasePermission}'s ({@code src/sentry/api/bases/
 * organization.py}); an unknown release, or one the project is not in, is 404. The upload checks in
 * {@code post_releasefile}'s order, with its messages; Sentry's tests: {@code tests/sentry/releases/endpoints/
 * test_project_release_files.py} ({@code ReleaseFileCreateTest}). The endpoint sets no size limit of its own (the
 * 40 MB once documented per artifact is defined nowhere in Sentry's code, and its docs dropped it), so neither
 * does the stand-in.
 */
final class ReleaseFileEndpoints {
    /** {@code MAX_RELEASE_FILES_OFFSET} in {@code src/sentry/constants.py}. */
    private static final long MAX_RELEASE_FILES_OFFSET = 20_000;

    static final String ERR_FILE_EXISTS = "A file matching this name already exists for the given release";
    /** {@code _filename_re}: line breaks, tabs, form feeds, vertical tabs and backslashes. */
    private static final Pattern SPECIAL_WHITESPACE = Pattern.compile("[\\n\\t\\r\\f\\u000B\\\\]");

    private final Directory directory;
    private final StandInState state;
    private final ApiAnswers answers;
    private final ApiAuthentication authentication;
    private final ApiPages pages;

    ReleaseFileEndpoints(Directory directory, StandInState state, ApiAnswers answers, ApiAuthentication authentication,
                         ApiPages pages) {
        this.directory = directory;
        this.state = state;
        this.answers = answers;
        this.authentication = authentication;
        this.pages = pages;
    }

    /** Either route: {@code project} is null for the organization's. */
    StandInResponse handle(StandInRequest request, @Nullable StandInState.ApiToken token, String orgSlug,
                           @Nullable String project, String version) throws ApiAnswers.Refusal {
        StandInState.ApiToken t = authentication.requireToken(token);
        if (request.method().equals("POST")) {
            authentication.requireScope(t, "project:write", "project:admin", "project:releases", "org:ci");
        } else {
            authentication.requireScope(t, "project:read", "project:write", "project:admin", "project:releases", "org:ci");
        }
        // A region answers only for the organizations it holds.
        Fixtures.Organization org = directory.organization(orgSlug)
                .filter(o -> o.region().equals(request.origin().region()))
                .orElseThrow(this::notFound);
        if (project != null && directory.project(org.slug(), project).isEmpty()) {
            throw notFound();
        }
        authentication.requireOwnOrganization(t, org);
        Fixtures.Release release = directory.release(org.slug(), version)
                .filter(r -> project == null || r.projects().contains(project))
                .orElseThrow(this::notFound);
        if (request.method().equals("GET")) {
            // ReleaseFilesMixin.get_releasefiles: a ChainPaginator with max_offset MAX_RELEASE_FILES_OFFSET
            // (src/sentry/constants.py), files by name.
            return pages.paginate(request, pages.chain(state.releaseFiles().of(org.slug(), release.version()),
                    MAX_RELEASE_FILES_OFFSET), ReleaseFileEndpoints::view);
        }
        return upload(request, org, release);
    }

    private StandInResponse upload(StandInRequest request, Fixtures.Organization org, Fixtures.Release release) {
        MultipartForm form;
        try {
            form = MultipartForm.parse(request.header("Content-Type"), request.body());
        } catch (MultipartForm.Malformed e) {
            return answers.detail(400, "Multipart form parse error - " + e.getMessage());
        }
        // A "file" sent as a plain field would make Sentry fail on fileobj.name (a 500); here it is missing as well.
        MultipartForm.Upload file = form.file("file");
        if (file == null) {
            return answers.detail(400, "Missing uploaded file");
        }
        String fullName = Optional.ofNullable(form.field("name")).orElse(file.filename());
        if (fullName.isEmpty() || fullName.equals("file")) {
            return answers.detail(400, "File name must be specified");
        }
        String name = fullName.substring(fullName.lastIndexOf('/') + 1);
        if (SPECIAL_WHITESPACE.matcher(name).find()) {
            return answers.detail(400, "File name must not contain special whitespace characters");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", file.contentType());
        for (String header : form.fieldValues("header")) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                return answers.detail(400, "header value was not formatted correctly");
            }
            String value = header.substring(colon + 1);
            if (SPECIAL_WHITESPACE.matcher(value).find()) {
                return answers.detail(400, "header value must not contain special whitespace characters");
            }
            headers.put(header.substring(0, colon), value.strip());
        }
        String dist = form.field("dist");
        dist = dist == null || dist.isEmpty() ? null : dist;
        return state.releaseFiles().add(org.slug(), release.version(), fullName, dist, headers, file.content().length,
                        sha1(file.content()), state.now())
                .map(created -> answers.json(201, view(created)))
                .orElseGet(() -> answers.detail(409, ERR_FILE_EXISTS));
    }

    /** {@code ReleaseFileSerializer} ({@code src/sentry/api/serializers/models/release_file.py}). */
    private static Map<String, Object> view(ReleaseFiles.ReleaseFile file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", file.id());
        m.put("name", file.name());
        m.put("dist", file.dist());
        m.put("headers", file.headers());
        m.put("size", file.size());
        m.put("sha1", file.sha1());
        m.put("dateCreated", Times.format(file.dateCreated()));
        return m;
    }

    private static String sha1(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiAnswers.Refusal notFound() {
        return new ApiAnswers.Refusal(answers.detail(404, ApiAnswers.NOT_FOUND));
    }
}
