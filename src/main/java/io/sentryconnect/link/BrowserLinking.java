package io.sentryconnect.link;

import io.sentryconnect.database.Sql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.configuration.endpoints.EndpointConfiguration;
import io.micronaut.security.oauth2.endpoint.authorization.pkce.Pkce;
import io.micronaut.security.oauth2.endpoint.authorization.pkce.S256PkceGenerator;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.PluginMetrics;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.platform.PlatformIdentity;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryClientRegistration;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.transaction.TransactionOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The browser's way to Sentry's consent page: the ticket is consumed ({@code /connect/sentry/start}), confirmed on a
 * page of ours when the browser is not known to be the ticket's user ({@code /connect/sentry/confirm}), and only then
 * a state with a PKCE challenge is created and the browser sent to Sentry.
 */
@Singleton
class BrowserLinking {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserLinking.class);
    /**
     * Ours, not micronaut-security-oauth2's bean: that one exists only while the host's own OAuth login has PKCE on
     * ({@code micronaut.security.oauth2.enabled}, {@code micronaut.security.oauth2.pkce.enabled}) and takes its length
     * from the host's {@code pkce.entropy}. The verifier is 32 random bytes, 43 characters: RFC 7636 4.1's advice.
     */
    private static final S256PkceGenerator PKCE = new S256PkceGenerator(() -> Randoms.token().reveal());

    private final LinkRepository links;
    private final LinkProperties properties;
    private final OauthClientConfiguration client;
    private final TokenCipher cipher;
    private final PlatformIdentity identity;
    private final LinkPages pages;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final TransactionOperations<Connection> transactions;
    /** Sentry's authorize endpoint: configuration, read once. */
    private final String authorizationUrl;

    BrowserLinking(LinkRepository links, LinkProperties properties, SentryProperties sentry, SentryClientRegistration client,
                   TokenCipher cipher, PlatformIdentity identity, LinkPages pages,
                   @Named(ClockFactory.NAME) Clock clock, PluginMetrics metrics,
                   Sql database) {
        this.links = links;
        this.properties = properties;
        this.client = client.configuration();
        this.cipher = cipher;
        this.identity = identity;
        this.pages = pages;
        this.clock = clock;
        this.metrics = metrics.registry();
        this.transactions = database.transactions();
        this.authorizationUrl = authorizationUrl(this.client, sentry);
    }

    /**
     * {@code GET /connect/sentry/start}: consumes the ticket. A browser the host signed in ({@code browser} not null)
     * must be the ticket's platform user; with {@code browser-confirmation: auto} it then goes straight to Sentry.
     * Any other browser gets the confirmation page, and only its POST ({@link #confirm}) goes on to Sentry. For an
     * anonymous browser the page's record is written with the ticket's consumption, one statement in auto-commit; for a
     * signed-in one the consumption and what follows it (the page's record, or the state) commit together.
     */
    BrowserOutcome start(@Nullable String ticket, @Nullable Authentication browser) {
        if (ticket == null || ticket.isBlank()) {
            return pages.page("ticket_invalid", "This link is not valid", "The link to connect Sentry is incomplete. Start again from the application.");
        }
        byte[] ticketHash = Randoms.sha256(Secret.of(ticket));
        if (browser == null) {
            Secret token = Randoms.token();
            Secret binding = Randoms.token();
            LinkRepository.AwaitedConfirmation awaited = awaited(token, binding);
            return started(links.consumeTicket(ticketHash, awaited), null, use -> confirmationPage(use, token, binding, awaited));
        }
        return transactions.executeWrite(status -> started(links.consumeTicket(ticketHash, null), browser, use -> {
            if (properties.browserConfirmation() == LinkProperties.BrowserConfirmation.AUTO) {
                return toSentry(use.request(), newState(use.request()), List.of());
            }
            Secret token = Randoms.token();
            Secret binding = Randoms.token();
            LinkRepository.AwaitedConfirmation awaited = awaited(token, binding);
            links.awaitConfirmation(ticketHash, awaited);
            return confirmationPage(use, token, binding, awaited);
        }));
    }

    /** What a consumed ticket leads to; {@code fresh} says what a fresh one does. */
    private BrowserOutcome started(Optional<LinkRepository.TicketUse> use, @Nullable Authentication browser,
                                   Function<LinkRepository.TicketUse, BrowserOutcome> fresh) {
        if (use.isEmpty()) {
            return pages.page("ticket_invalid", "This link is not valid", "The link to connect Sentry is unknown. Start again from the application.");
        }
        LinkRepository.LinkRequest request = use.get().request();
        // Before the ticket's status, so that a browser of another user learns nothing about the ticket. The ticket
        // stays consumed: its URL now sits in a browser it was not meant for.
        if (browser != null && !isTicketUser(browser, request, use.get().requestedBy())) {
            return mismatch(request);
        }
        return switch (use.get().status()) {
            case USED -> pages.back(request, "ticket_used");
            case EXPIRED -> pages.back(request, "ticket_expired");
            case FRESH -> fresh.apply(use.get());
        };
    }

    /**
     * {@code POST /connect/sentry/confirm}: the confirmation page's "Continue to Sentry". The token names the ticket
     * and proves the page was seen (no other page can read it); the cookie set with the page proves this is the
     * browser that saw it (a cross-site form cannot send it: SameSite=Strict). Only then the state is created: for an
     * anonymous browser in the confirmation's own statement, for a signed-in one after its user is checked, in one
     * transaction with the confirmation.
     */
    BrowserOutcome confirm(@Nullable String token, Function<String, Optional<String>> cookies, @Nullable Authentication browser) {
        if (token == null || token.isBlank()) {
            return pages.page("confirmation_invalid", "This confirmation is not valid",
                    "The confirmation is incomplete. Start again from the application.");
        }
        byte[] tokenHash = Randoms.sha256(Secret.of(token));
        String cookie = LinkPages.confirmationCookieName(tokenHash);
        Optional<byte[]> binding = cookies.apply(cookie).map(value -> Randoms.sha256(Secret.of(value)));
        if (binding.isEmpty()) {
            return refusedConfirmation(tokenHash);
        }
        if (browser == null) {
            PendingState state = prepareState();
            return confirmed(links.confirm(tokenHash, binding.get(), state.row()), tokenHash, cookie, null, state);
        }
        return transactions.executeWrite(status ->
                confirmed(links.confirm(tokenHash, binding.get(), null), tokenHash, cookie, browser, null));
    }

    /** @param state the state the confirmation's statement was to create, or null to create one here */
    private BrowserOutcome confirmed(Optional<LinkRepository.Confirmation> found, byte[] tokenHash, String cookie,
                                     @Nullable Authentication browser, @Nullable PendingState state) {
        if (found.isEmpty()) {
            return refusedConfirmation(tokenHash);
        }
        LinkRepository.Confirmation row = found.get();
        LinkRepository.LinkRequest request = row.request();
        BrowserOutcome.SetCookie clear = BrowserOutcome.SetCookie.clear(cookie, pages.confirmationPath(), SameSite.Strict);
        if (row.wasConfirmed()) {
            return pages.back(request, "ticket_used", clear);
        }
        if (browser != null && !isTicketUser(browser, request, row.requestedBy())) {
            return mismatch(request);
        }
        if (row.expired()) {
            return pages.back(request, "ticket_expired", clear);
        }
        return toSentry(request, state == null ? newState(request) : state, List.of(clear));
    }

    /** Nothing confirmed: the token is unknown, or the POST lacks the page's cookie. Not burnt in either case. */
    private BrowserOutcome refusedConfirmation(byte[] tokenHash) {
        Optional<LinkRepository.LinkRequest> known = links.findConfirmation(tokenHash);
        if (known.isEmpty()) {
            return pages.page("confirmation_invalid", "This confirmation is not valid",
                    "The confirmation is unknown. Start again from the application.");
        }
        // Not burnt: a foreign POST must not be able to spoil the confirmation of the browser that holds the page.
        LOG.warn("Link confirmation for tenant {} from a browser that was not shown the page", known.get().tenantId());
        return pages.page("confirmation_invalid", "This confirmation is not valid",
                "This confirmation was sent from another browser than the one that showed it. Start again from the application.");
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
        return pages.page(403, "browser_user_mismatch", "This link is for another account",
                "This link to connect Sentry was created for another user of the application than the one signed in "
                        + "in this browser, so nothing was sent to Sentry. If you want to connect Sentry, start again "
                        + "from the application while signed in as yourself.");
    }

    private LinkRepository.AwaitedConfirmation awaited(Secret token, Secret binding) {
        return new LinkRepository.AwaitedConfirmation(Randoms.sha256(token), Randoms.sha256(binding),
                clock.instant().plus(properties.stateTtl()));
    }

    private BrowserOutcome confirmationPage(LinkRepository.TicketUse use, Secret token, Secret binding,
                                            LinkRepository.AwaitedConfirmation awaited) {
        LinkRepository.LinkRequest request = use.request();
        URI cancel = QueryUrls.with(request.returnTo(), "sentry_connect", "error", "code", "access_denied");
        BrowserOutcome.SetCookie cookie = new BrowserOutcome.SetCookie(LinkPages.confirmationCookieName(awaited.tokenHash()), binding,
                properties.stateTtl(), pages.confirmationPath(), SameSite.Strict);
        return new BrowserOutcome.ConfirmationPage(request.tenantId(), request.userId(),
                use.requestedBy().equals(request.userId()) ? null : use.requestedBy(), request.scopes(),
                request.grantId() != null, pages.confirmationAction(), token, cancel, cookie);
    }

    /** A state, its S256 challenge and its binding cookie, before it is stored. */
    private record PendingState(Secret state, Secret binding, Pkce challenge, LinkRepository.NewState row) {
    }

    private PendingState prepareState() {
        Secret state = Randoms.token();
        byte[] stateHash = Randoms.sha256(state);
        Secret binding = Randoms.token();
        Pkce challenge = PKCE.generate();
        return new PendingState(state, binding, challenge, new LinkRepository.NewState(stateHash,
                cipher.encrypt(Secret.of(challenge.getCodeVerifier()), LinkPages.verifierAd(stateHash)), Randoms.sha256(binding),
                clock.instant().plus(properties.stateTtl())));
    }

    private PendingState newState(LinkRepository.LinkRequest request) {
        PendingState state = prepareState();
        links.insertState(state.row(), request);
        return state;
    }

    /** Sends the browser to Sentry with the stored state, the S256 challenge, and a binding cookie only it holds. */
    private BrowserOutcome toSentry(LinkRepository.LinkRequest request, PendingState state, List<BrowserOutcome.SetCookie> alsoSet) {
        URI authorize = QueryUrls.with(authorizationUrl,
                "client_id", client.getClientId(),
                "response_type", "code",
                "redirect_uri", pages.redirectUri(),
                "scope", String.join(" ", request.scopes()),
                "state", state.state().reveal(),
                "code_challenge", state.challenge().getCodeChallenge(),
                "code_challenge_method", "S256",
                // Sentry skips its consent page for a user who approved these scopes before, unless asked not to
                // (oauth_authorize.py, force_prompt; an org-level application always prompts): the person at the
                // browser always sees, and picks, what they grant.
                "force_prompt", "1");
        Counter.builder("sentry_connect.link.attempts").description("Browsers sent to Sentry's consent page to link or reconnect a grant")
                .register(metrics).increment();
        LOG.info("Link started: tenant {}, user {}{}", request.tenantId(), request.userId(),
                request.grantId() == null ? "" : ", reconnecting grant " + request.grantId());
        List<BrowserOutcome.SetCookie> cookies = new ArrayList<>(alsoSet);
        cookies.add(new BrowserOutcome.SetCookie(LinkPages.cookieName(state.row().stateHash()), state.binding(), properties.stateTtl(),
                pages.callbackPath(), SameSite.Lax));
        return new BrowserOutcome.Redirect(authorize, cookies);
    }

    private static String authorizationUrl(OauthClientConfiguration client, SentryProperties sentry) {
        return client.getAuthorization().flatMap(EndpointConfiguration::getUrl).map(URI::create)
                .orElseGet(() -> UriBuilder.of(sentry.baseUrl()).path("/oauth/authorize/").build()).toString();
    }
}
