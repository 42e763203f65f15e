package io.sentryconnect.link;

import io.sentryconnect.PluginMetrics;
import io.sentryconnect.Endpoints;
import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.configuration.endpoints.EndpointConfiguration;
import io.micronaut.security.oauth2.endpoint.authorization.pkce.Pkce;
import io.micronaut.security.oauth2.endpoint.authorization.pkce.S256PkceGenerator;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantGoneException;
import io.sentryconnect.grant.GrantQueries;
import io.sentryconnect.grant.LinkedGrants;
import io.sentryconnect.grant.LinkedAuthorization;
import io.sentryconnect.grant.OrgMismatchException;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.platform.PlatformIdentity;
import io.sentryconnect.sentry.OrganizationDiscovery;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryClientRegistration;
import io.sentryconnect.token.SentryTokenClient;
import io.sentryconnect.token.SentryTokens;
import io.sentryconnect.token.TokenCipher;
import io.sentryconnect.token.TokenRequestFailed;
import io.sentryconnect.web.ApiProblem;
import io.sentryconnect.web.Inputs;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The linking flow: ticket → state + PKCE → Sentry's consent page → callback → token exchange → organization
 * discovery → grant. Hand-written rather than micronaut-security-oauth2's login controller, because that one signs
 * a user in (its routes exist only with a login handler) and keeps state in a cookie or session, which is neither
 * single-use nor shared by instances; here the user is already signed in to the platform, and the state lives in
 * PostgreSQL. The library still does the parts it fits: client configuration, PKCE, and the token call.
 */
@Singleton
public class LinkService {
    private static final String COOKIE_PREFIX = "sc_link_";
    private static final String CONFIRMATION_COOKIE_PREFIX = "sc_confirm_";
    private static final Logger LOG = LoggerFactory.getLogger(LinkService.class);
    /** Longer than any of Sentry's scope names; a longer one is refused without being echoed. */
    private static final int MAX_SCOPE = 64;

    private final LinkRepository links;
    private final LinkProperties properties;
    private final SentryProperties sentry;
    private final OauthClientConfiguration client;
    private final S256PkceGenerator pkce;
    private final TokenCipher cipher;
    private final SentryTokenClient tokens;
    private final OrganizationDiscovery discovery;
    private final GrantQueries grants;
    private final LinkedGrants linkedGrants;
    private final Clock clock;
    private final Endpoints endpoints;
    private final MeterRegistry metrics;
    private final PlatformIdentity identity;
    private final LinkRateLimiter rateLimiter;

    LinkService(LinkRepository links, LinkProperties properties, SentryProperties sentry,
                SentryClientRegistration client, S256PkceGenerator pkce, TokenCipher cipher,
                SentryTokenClient tokens, OrganizationDiscovery discovery, GrantQueries grants, LinkedGrants linkedGrants, @Named(ClockFactory.NAME) Clock clock,
                Endpoints endpoints, PluginMetrics metrics, PlatformIdentity identity, LinkRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        this.links = links;
        this.properties = properties;
        this.sentry = sentry;
        this.client = client.configuration();
        this.pkce = pkce;
        this.cipher = cipher;
        this.tokens = tokens;
        this.discovery = discovery;
        this.grants = grants;
        this.linkedGrants = linkedGrants;
        this.clock = clock;
        this.endpoints = endpoints;
        this.metrics = metrics.registry();
        this.identity = identity;
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
        Grant grant = grants.findVisible(caller, grantId).orElseThrow(ApiProblem::grantNotFound);
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
        URI url = UriBuilder.of(endpoints.url("connect", "/start")).queryParam("ticket", ticket.reveal()).build();
        return new CreatedLink(url, expiresAt);
    }

    /**
     * {@code GET /connect/sentry/start}: consumes the ticket. A browser the host signed in ({@code browser} not null)
     * must be the ticket's platform user; with {@code browser-confirmation: auto} it then goes straight to Sentry.
     * Any other browser gets the confirmation page, and only its POST ({@link #confirm}) goes on to Sentry.
     */
    @Transactional
    BrowserOutcome start(@Nullable String ticket, @Nullable Authentication browser) {
        if (ticket == null || ticket.isBlank()) {
            return page("ticket_invalid", "This link is not valid", "The link to connect Sentry is incomplete. Start again from the application.");
        }
        byte[] ticketHash = Randoms.sha256(Secret.of(ticket));
        Optional<LinkRepository.TicketUse> use = links.consumeTicket(ticketHash);
        if (use.isEmpty()) {
            return page("ticket_invalid", "This link is not valid", "The link to connect Sentry is unknown. Start again from the application.");
        }
        LinkRepository.LinkRequest request = use.get().request();
        // Before the ticket's status, so that a browser of another user learns nothing about the ticket. The ticket
        // stays consumed: its URL now sits in a browser it was not meant for.
        if (browser != null && !isTicketUser(browser, request, use.get().requestedBy())) {
            return mismatch(request);
        }
        switch (use.get().status()) {
            case USED:
                return back(request, "ticket_used");
            case EXPIRED:
                return back(request, "ticket_expired");
            default:
                break;
        }
        if (browser != null && properties.browserConfirmation() == LinkProperties.BrowserConfirmation.AUTO) {
            return toSentry(request, List.of());
        }
        return confirmationPage(ticketHash, use.get());
    }

    /**
     * {@code POST /connect/sentry/confirm}: the confirmation page's "Continue to Sentry". The token names the ticket
     * and proves the page was seen (no other page can read it); the cookie set with the page proves this is the
     * browser that saw it (a cross-site form cannot send it: SameSite=Strict). Only then the state is created.
     */
    @Transactional
    BrowserOutcome confirm(@Nullable String token, Function<String, Optional<String>> cookies, @Nullable Authentication browser) {
        if (token == null || token.isBlank()) {
            return page("confirmation_invalid", "This confirmation is not valid",
                    "The confirmation is incomplete. Start again from the application.");
        }
        byte[] tokenHash = Randoms.sha256(Secret.of(token));
        Optional<LinkRepository.ConfirmationRow> found = links.lockConfirmation(tokenHash);
        if (found.isEmpty()) {
            return page("confirmation_invalid", "This confirmation is not valid",
                    "The confirmation is unknown. Start again from the application.");
        }
        LinkRepository.ConfirmationRow row = found.get();
        LinkRepository.LinkRequest request = row.request();
        String cookie = confirmationCookieName(tokenHash);
        Optional<String> binding = cookies.apply(cookie);
        if (binding.isEmpty() || !MessageDigest.isEqual(Randoms.sha256(Secret.of(binding.get())), row.browserHash())) {
            // Not burnt: a foreign POST must not be able to spoil the confirmation of the browser that holds the page.
            LOG.warn("Link confirmation for tenant {} from a browser that was not shown the page", request.tenantId());
            return page("confirmation_invalid", "This confirmation is not valid",
                    "This confirmation was sent from another browser than the one that showed it. Start again from the application.");
        }
        BrowserOutcome.SetCookie clear = BrowserOutcome.SetCookie.clear(cookie, confirmationPath(), SameSite.Strict);
        if (row.confirmedAt() != null) {
            return back(request, "ticket_used", clear);
        }
        links.markConfirmed(row.ticketHash());
        if (browser != null && !isTicketUser(browser, request, row.requestedBy())) {
            return mismatch(request);
        }
        if (!row.expiresAt().isAfter(clock.instant())) {
            return back(request, "ticket_expired", clear);
        }
        return toSentry(request, List.of(clear));
    }

    /**
     * Whether the signed-in browser is the ticket's tenant and either the user the grant will belong to or the user
     * who minted the ticket (a tenant admin reconnecting another user's grant). A principal the platform identity
     * does not accept is no one's: refused as well, since the host does sign browsers in.
     */
    private boolean isTicketUser(Authentication browser, LinkRepository.LinkRequest request, String requestedBy) {
        Optional<PlatformCaller> caller = identity.caller(browser);
        return caller.isPresent() && caller.get().tenantId().equals(request.tenantId())
                && (caller.get().userId().equals(request.userId()) || caller.get().userId().equals(requestedBy));
    }

    private BrowserOutcome mismatch(LinkRepository.LinkRequest request) {
        LOG.warn("Link for tenant {} refused: opened in a browser signed in as another platform user", request.tenantId());
        return page(403, "browser_user_mismatch", "This link is for another account",
                "This link to connect Sentry was created for another user of the application than the one signed in "
                        + "in this browser, so nothing was sent to Sentry. If you want to connect Sentry, start again "
                        + "from the application while signed in as yourself.");
    }

    private BrowserOutcome confirmationPage(byte[] ticketHash, LinkRepository.TicketUse use) {
        LinkRepository.LinkRequest request = use.request();
        Secret token = Randoms.token();
        Secret binding = Randoms.token();
        byte[] tokenHash = Randoms.sha256(token);
        links.awaitConfirmation(ticketHash, tokenHash, Randoms.sha256(binding), clock.instant().plus(properties.stateTtl()));
        URI cancel = UriBuilder.of(URI.create(request.returnTo()))
                .queryParam("sentry_connect", "error")
                .queryParam("code", "access_denied")
                .build();
        BrowserOutcome.SetCookie cookie = new BrowserOutcome.SetCookie(confirmationCookieName(tokenHash), binding,
                properties.stateTtl(), confirmationPath(), SameSite.Strict);
        return new BrowserOutcome.ConfirmationPage(request.tenantId(), request.userId(),
                use.requestedBy().equals(request.userId()) ? null : use.requestedBy(), request.scopes(),
                request.grantId() != null, URI.create(endpoints.url("connect", "/confirm")), token, cancel, cookie);
    }

    /** Creates the state and sends the browser to Sentry with it, the S256 challenge, and a binding cookie only it holds. */
    private BrowserOutcome toSentry(LinkRepository.LinkRequest request, List<BrowserOutcome.SetCookie> alsoSet) {
        Secret state = Randoms.token();
        byte[] stateHash = Randoms.sha256(state);
        Secret binding = Randoms.token();
        Pkce challenge = pkce.generate();
        links.insertState(stateHash, request, cipher.encrypt(Secret.of(challenge.getCodeVerifier()), verifierAd(stateHash)),
                Randoms.sha256(binding), clock.instant().plus(properties.stateTtl()));
        URI authorize = UriBuilder.of(authorizationUrl())
                .queryParam("client_id", client.getClientId())
                .queryParam("response_type", "code")
                .queryParam("redirect_uri", redirectUri())
                .queryParam("scope", String.join(" ", request.scopes()))
                .queryParam("state", state.reveal())
                .queryParam("code_challenge", challenge.getCodeChallenge())
                .queryParam("code_challenge_method", "S256")
                .build();
        metrics.counter("sentry_connect.link.attempts").increment();
        LOG.info("Link started: tenant {}, user {}{}", request.tenantId(), request.userId(),
                request.grantId() == null ? "" : ", reconnecting grant " + request.grantId());
        List<BrowserOutcome.SetCookie> cookies = new ArrayList<>(alsoSet);
        cookies.add(new BrowserOutcome.SetCookie(cookieName(stateHash), binding, properties.stateTtl(), callbackPath(), SameSite.Lax));
        return new BrowserOutcome.Redirect(authorize, cookies);
    }

    /** {@code GET /connect/sentry/callback}: see api.md, step 3. {@code cookies} looks a cookie up by name. */
    BrowserOutcome callback(@Nullable String state, @Nullable String code, @Nullable String error,
                            Function<String, Optional<String>> cookies) {
        if (state == null || state.isBlank()) {
            return page("state_invalid", "This sign-in cannot be completed", "Sentry sent the browser back without the link's state. Start again from the application.");
        }
        byte[] stateHash = Randoms.sha256(Secret.of(state));
        Optional<LinkRepository.StateRow> found = links.findState(stateHash);
        if (found.isEmpty()) {
            return page("state_invalid", "This sign-in cannot be completed", "The link's state is unknown. Start again from the application.");
        }
        LinkRepository.StateRow row = found.get();
        LinkRepository.LinkRequest request = row.request();
        String cookie = cookieName(stateHash);
        Optional<String> binding = cookies.apply(cookie);
        if (binding.isEmpty() || !MessageDigest.isEqual(Randoms.sha256(Secret.of(binding.get())), row.browserHash())) {
            LOG.warn("Link callback for tenant {} from a browser that did not start it", request.tenantId());
            return back(request, "state_invalid");
        }
        if (row.usedAt() != null) {
            return back(request, "state_invalid", cookie);
        }
        if (!row.expiresAt().isAfter(clock.instant())) {
            return back(request, "state_expired", cookie);
        }
        if (!links.consumeState(stateHash)) {
            return back(request, "state_invalid", cookie);
        }
        if (error != null) {
            return back(request, "access_denied".equals(error) ? "access_denied" : "authorization_failed", cookie);
        }
        if (code == null || code.isBlank()) {
            return back(request, "authorization_failed", cookie);
        }
        try {
            return complete(request, Secret.of(code), cipher.decrypt(row.codeVerifier(), verifierAd(stateHash)), cookie);
        } catch (RuntimeException e) {
            // Whatever broke (a verifier under a removed key, a database error), the browser goes back with a code.
            LOG.error("Link for tenant {}: callback failed ({})", request.tenantId(), e.getClass().getName());
            return back(request, "internal_error", cookie);
        }
    }

    private BrowserOutcome complete(LinkRepository.LinkRequest request, Secret code, Secret verifier, String cookie) {
        SentryTokens granted;
        try {
            granted = tokens.exchangeCode(code, redirectUri(), verifier);
        } catch (TokenRequestFailed e) {
            boolean unavailable = e.transientFailure();
            LOG.warn("Link for tenant {}: token exchange failed ({}{})", request.tenantId(), e.kind(),
                    e.oauthError() == null ? "" : " " + e.oauthError());
            return back(request, unavailable ? "sentry_unavailable" : "token_exchange_failed", cookie);
        }
        Grant.Organization org;
        try {
            org = discovery.discover(granted.accessToken(), granted.organizationId());
        } catch (OrganizationDiscovery.DiscoveryFailed e) {
            LOG.warn("Link for tenant {}: organization discovery failed: {}", request.tenantId(), e.getMessage());
            return back(request, e.unavailable() ? "sentry_unavailable" : "org_discovery_failed", cookie);
        }
        Grant.SentryUserRef user = granted.user() == null ? null
                : new Grant.SentryUserRef(granted.user().id(), granted.user().name(), granted.user().email());
        LinkedAuthorization link = new LinkedAuthorization(request.tenantId(), request.userId(), org, user, granted);
        Grant grant;
        try {
            grant = request.grantId() == null ? linkedGrants.upsertLinked(link) : linkedGrants.reconnect(request.grantId(), link);
        } catch (OrgMismatchException e) {
            LOG.info("Reconnect of grant {} picked another organization; grant unchanged", request.grantId());
            return back(request, "org_mismatch", cookie);
        } catch (GrantGoneException e) {
            return back(request, "grant_not_found", cookie);
        } catch (RuntimeException e) {
            LOG.error("Link for tenant {}: the grant could not be recorded ({})", request.tenantId(), e.getClass().getName());
            return back(request, "internal_error", cookie);
        }
        LOG.info("Grant {} {}: tenant {}, user {}, org {}", grant.id(), request.grantId() == null ? "connected" : "reconnected",
                grant.tenantId(), grant.userId(), org.slug());
        metrics.counter("sentry_connect.link.outcomes", "code", request.grantId() == null ? "connected" : "reconnected").increment();
        URI location = UriBuilder.of(URI.create(request.returnTo()))
                .queryParam("sentry_connect", "connected")
                .queryParam("grant_id", grant.id().toString())
                .build();
        return new BrowserOutcome.Redirect(location, List.of(BrowserOutcome.SetCookie.clear(cookie, callbackPath(), SameSite.Lax)));
    }

    private List<String> validScopes(@Nullable List<String> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            return List.copyOf(sentry.defaultScopes());
        }
        List<String> valid = new ArrayList<>();
        for (String scope : scopes) {
            Inputs.text("scopes", scope, MAX_SCOPE);
            if (scope == null || !sentry.allowedScopes().contains(scope)) {
                throw ApiProblem.invalidField("scopes", "Scope '" + scope + "' is not allowed; allowed: "
                        + String.join(" ", sentry.allowedScopes()) + ".");
            }
            if (!valid.contains(scope)) {
                valid.add(scope);
            }
        }
        return valid;
    }

    /** {@code return_to} must be an absolute http(s) URL on an allow-listed origin: no open redirect. */
    private String validReturnTo(@Nullable String returnTo) {
        if (returnTo == null || returnTo.isBlank()) {
            throw ApiProblem.invalidField("return_to", "return_to is required.");
        }
        // Capped: it is stored with the ticket and the state, and every redirect back carries it.
        Inputs.text("return_to", returnTo, Inputs.MAX_URL);
        URI uri;
        try {
            uri = URI.create(returnTo);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidField("return_to", "return_to is not a URL.");
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw ApiProblem.invalidField("return_to", "return_to must be an absolute http(s) URL.");
        }
        String origin = origin(uri);
        boolean allowed = properties.allowedReturnOrigins().stream().map(LinkService::origin).anyMatch(origin::equals);
        if (!allowed) {
            throw ApiProblem.invalidField("return_to", "return_to's origin " + origin + " is not on the allow-list.");
        }
        return uri.toString();
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private URI authorizationUrl() {
        return client.getAuthorization().flatMap(EndpointConfiguration::getUrl).map(URI::create)
                .orElseGet(() -> UriBuilder.of(sentry.baseUrl()).path("/oauth/authorize/").build());
    }

    /**
     * The exact redirect URI registered with Sentry, sent to authorize and to the token exchange alike; its path
     * (public-url's path + {@code /connect/sentry/callback}) is also the binding cookie's path.
     */
    String redirectUri() {
        return endpoints.url("connect", "/callback");
    }

    private String callbackPath() {
        return URI.create(redirectUri()).getRawPath();
    }

    /** The confirmation cookie goes only to the confirmation POST. */
    private String confirmationPath() {
        return URI.create(endpoints.url("connect", "/confirm")).getRawPath();
    }

    /** Named after its token, so that confirmation pages open in two tabs do not overwrite each other's cookie. */
    static String confirmationCookieName(byte[] tokenHash) {
        return CONFIRMATION_COOKIE_PREFIX + Randoms.hex(tokenHash).substring(0, 16);
    }

    /** The binding cookie is named after its state, so that links started in two tabs do not overwrite each other. */
    static String cookieName(byte[] stateHash) {
        return COOKIE_PREFIX + Randoms.hex(stateHash).substring(0, 16);
    }

    private static String verifierAd(byte[] stateHash) {
        return io.sentryconnect.token.AssociatedData.linkStateVerifier(stateHash);
    }

    private BrowserOutcome back(LinkRepository.LinkRequest request, String code) {
        return back(request, code, (BrowserOutcome.SetCookie) null);
    }

    private BrowserOutcome back(LinkRepository.LinkRequest request, String code, @Nullable String clearCookie) {
        return back(request, code, clearCookie == null ? null : BrowserOutcome.SetCookie.clear(clearCookie, callbackPath(), SameSite.Lax));
    }

    private BrowserOutcome back(LinkRepository.LinkRequest request, String code, @Nullable BrowserOutcome.SetCookie clear) {
        metrics.counter("sentry_connect.link.outcomes", "code", code).increment();
        URI location = UriBuilder.of(URI.create(request.returnTo()))
                .queryParam("sentry_connect", "error")
                .queryParam("code", code)
                .build();
        return new BrowserOutcome.Redirect(location, clear == null ? List.of() : List.of(clear));
    }

    private BrowserOutcome page(String code, String title, String message) {
        return page(400, code, title, message);
    }

    private BrowserOutcome page(int status, String code, String title, String message) {
        metrics.counter("sentry_connect.link.outcomes", "code", code).increment();
        return new BrowserOutcome.ErrorPage(status, code, title, message);
    }
}
