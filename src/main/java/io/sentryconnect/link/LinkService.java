package io.sentryconnect.link;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.Endpoints;
import io.sentryconnect.Inputs;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantNotFound;
import io.sentryconnect.grant.GrantQueries;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryProperties;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The linking flow: ticket (here) → state + PKCE → Sentry's consent page ({@link BrowserLinking}) → callback → token
 * exchange → organization discovery → grant ({@link LinkCallback}). Hand-written rather than micronaut-security-oauth2's
 * login controller, because that one signs a user in (its routes exist only with a login handler) and keeps state in a
 * cookie or session, which is neither single-use nor shared by instances; here the user is already signed in to the
 * platform, and the state lives in PostgreSQL. The library still does the parts it fits: client configuration, PKCE,
 * and the token call. This class mints the tickets: it checks what a link asks for and stores it, nothing else.
 */
@Singleton
public class LinkService {
    /** Longer than any of Sentry's scope names; a longer one is refused without being echoed. */
    private static final int MAX_SCOPE = 64;

    private final LinkRepository links;
    private final LinkProperties properties;
    private final SentryProperties sentry;
    private final GrantQueries grants;
    private final Clock clock;
    private final Endpoints endpoints;
    private final LinkRateLimiter rateLimiter;

    LinkService(LinkRepository links, LinkProperties properties, SentryProperties sentry, GrantQueries grants,
                @Named(ClockFactory.NAME) Clock clock, Endpoints endpoints, LinkRateLimiter rateLimiter) {
        this.links = links;
        this.properties = properties;
        this.sentry = sentry;
        this.grants = grants;
        this.clock = clock;
        this.endpoints = endpoints;
        this.rateLimiter = rateLimiter;
    }

    /** A minted link: the URL to send the browser to, and until when it works. */
    public record CreatedLink(URI linkUrl, Instant expiresAt) {
    }

    /** {@code POST /api/v1/links}: a ticket for the caller. */
    public CreatedLink createLink(PlatformCaller caller, @Nullable List<String> scopes, @Nullable String returnTo) {
        return create(caller.tenantId(), caller.userId(), caller.userId(), scopes, returnTo, null);
    }

    /** {@code POST /api/v1/grants/{id}/reconnect}: a ticket bound to a grant the caller may see, for its owner. */
    public CreatedLink createReconnectLink(PlatformCaller caller, UUID grantId, @Nullable List<String> scopes,
                                           @Nullable String returnTo) {
        Grant grant = grants.findVisible(caller, grantId).orElseThrow(GrantNotFound::new);
        List<String> wanted = scopes;
        if (wanted == null || wanted.isEmpty()) {
            // Incremental authorization: by default ask again for what was granted, at least the default set. Only
            // what a link may ask for: a provisioned grant's integration token can hold scopes outside that set.
            LinkedHashSet<String> union = new LinkedHashSet<>(sentry.defaultScopes());
            grant.scopes().stream().filter(sentry.allowedScopes()::contains).forEach(union::add);
            wanted = List.copyOf(union);
        }
        return create(caller.tenantId(), grant.userId(), caller.userId(), wanted, returnTo, grant.id());
    }

    private CreatedLink create(String tenantId, String userId, String requestedBy, @Nullable List<String> scopes,
                               @Nullable String returnTo, @Nullable UUID grantId) {
        // Counted first, whatever the request holds: invalid requests cost a database write too.
        rateLimiter.acquire(tenantId, requestedBy);
        List<String> granted = validScopes(scopes);
        String target = validReturnTo(returnTo);
        Secret ticket = Randoms.token();
        Instant expiresAt = clock.instant().plus(properties.ticketTtl());
        links.insertTicket(Randoms.sha256(ticket), new LinkRepository.LinkRequest(tenantId, userId, granted, target, grantId), requestedBy,
                expiresAt);
        URI url = QueryUrls.with(endpoints.url("connect", "/start"), "ticket", ticket.reveal());
        return new CreatedLink(url, expiresAt);
    }

    private List<String> validScopes(@Nullable List<String> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            return List.copyOf(sentry.defaultScopes());
        }
        List<String> valid = new ArrayList<>();
        for (String scope : scopes) {
            Inputs.text("scopes", scope, MAX_SCOPE);
            if (scope == null || !sentry.allowedScopes().contains(scope)) {
                // The value is not repeated (no error echoes the request); the allowed set is ours to name.
                throw new InvalidRequest("scopes", "A requested scope is not allowed; allowed: "
                        + String.join(" ", sentry.allowedScopes()) + ".");
            }
            if (!valid.contains(scope)) {
                valid.add(scope);
            }
        }
        if (!io.sentryconnect.token.SentryProperties.readsOrganization(valid)) {
            // Refused before anyone is sent to Sentry: the user would consent, and the grant then fail at discovery.
            throw new InvalidRequest("scopes", "The scopes must include org:read (or org:write or org:admin): the "
                    + "service reads the organization with it right after the authorization.");
        }
        return valid;
    }

    /** {@code return_to} must be an absolute http(s) URL on an allow-listed origin: no open redirect. */
    private String validReturnTo(@Nullable String returnTo) {
        if (returnTo == null || returnTo.isBlank()) {
            throw new InvalidRequest("return_to", "return_to is required.");
        }
        // Capped: it is stored with the ticket and the state, and every redirect back carries it.
        Inputs.text("return_to", returnTo, Inputs.MAX_URL);
        URI uri;
        try {
            uri = URI.create(returnTo);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("return_to", "return_to is not a URL.");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new InvalidRequest("return_to", "return_to must be an absolute http(s) URL.");
        }
        String origin = origin(uri);
        boolean allowed = properties.allowedReturnOrigins().stream().map(LinkService::origin).anyMatch(origin::equals);
        if (!allowed) {
            throw new InvalidRequest("return_to", "return_to's origin is not on the allow-list "
                    + "(sentry-connect.link.allowed-return-origins).");
        }
        return uri.toString();
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
