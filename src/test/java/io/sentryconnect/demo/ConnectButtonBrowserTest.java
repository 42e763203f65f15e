package io.sentryconnect.demo;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Connect button script ({@code /connect/sentry/sentry-connect.js}) in headless Chromium, driven the way a
 * platform page uses it: a button whose click calls {@code SentryConnect.connect} with a function that hands over a
 * link URL the platform's backend created (here: the test, through the real API, with return_to on the page's
 * origin). The promise's outcome is written to the page, where the test reads it.
 */
@MicronautTest(environments = "test", transactional = false)
class ConnectButtonBrowserTest extends IntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final Browser browser = new Browser();

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    private WebDriver driver;
    private WebDriverWait wait;
    private String mainWindow;
    private String tenant;
    private String user;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.demo.enabled", "true",
                "datasources.default.maximum-pool-size", "4",
                "sentry-connect.link.allowed-return-origins", serviceUrl());
    }

    @AfterEach
    void resetStandIn() {
        standIn.reset();
    }

    @Test
    void connectingInThePopupResolvesWithTheGrantIdAndThePopupClosesItself() {
        openPageWithButton();
        click(By.id("platform-connect"));
        intoPopup();
        approveAtSentry();
        backOnPage();
        Map<String, Object> outcome = outcome();
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) outcome.get("resolved");
        assertEquals(List.of("grant_id"), List.copyOf(resolved.keySet()), "resolves with {grant_id}: " + outcome);
        assertEquals(List.of(Map.of("tenant_id", tenant, "user_id", user, "status", "active")),
                TestDatabase.query("SELECT tenant_id, user_id, status FROM sentry_connect_grant WHERE id = ?::uuid", resolved.get("grant_id")));
    }

    @Test
    void denyingAtSentryRejectsWithTheCallbacksErrorCode() {
        openPageWithButton();
        click(By.id("platform-connect"));
        intoPopup();
        continueAndSignInAtSentry();
        click(By.id("deny"));
        backOnPage();
        assertEquals(Map.of("rejected", "access_denied"), outcome());
        assertEquals(List.of(), grantsOfUser());
    }

    @Test
    void closingThePopupRejectsWithPopupClosed() {
        openPageWithButton();
        click(By.id("platform-connect"));
        intoPopup();
        wait.until(ExpectedConditions.urlContains("/connect/sentry/start"));
        driver.close();
        driver.switchTo().window(mainWindow);
        assertEquals(Map.of("rejected", "popup_closed"), outcome());
        assertEquals(List.of(), grantsOfUser());
    }

    @Test
    void aBlockedPopupFallsBackToAFullPageRedirectWhoseReturnCarriesTheOutcome() {
        openPageWithButton();
        // What a popup blocker does: window.open answers null.
        js("window.open = function () { return null; };");
        click(By.id("platform-connect"));
        wait.until(ExpectedConditions.urlContains("/connect/sentry/start"));
        assertEquals(1, driver.getWindowHandles().size(), "no popup");
        approveAtSentry();
        // The demo page shows the outcome it read from return_to's query (and then drops the query from its URL).
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#flash[data-kind=success][data-code=connected]")));
        @SuppressWarnings("unchecked")
        Map<String, Object> returned = (Map<String, Object>) js("return SentryConnect.outcome("
                + "new URL(performance.getEntriesByType('navigation')[0].name).search)");
        List<Map<String, Object>> grants = grantsOfUser();
        assertEquals(1, grants.size());
        assertEquals(Map.of("grant_id", grants.get(0).get("id").toString()), returned);
        assertEquals(Boolean.FALSE, js("return SentryConnect.handedOff"), "a page without opener keeps the outcome");
    }

    @Test
    void messagesFromAnotherOriginOrAnotherWindowAreIgnored() {
        openPageWithButton();
        click(By.id("platform-connect"));
        intoPopup();
        continueAndSignInAtSentry();
        // The popup is at Sentry (the stand-in's origin): what it posts is not from the expected origin.
        js("window.opener.postMessage({type: 'sentry-connect:outcome', grant_id: 'forged-by-another-origin'}, '*');");
        String popup = driver.getWindowHandle();
        driver.switchTo().window(mainWindow);
        js("window.postMessage({type: 'sentry-connect:outcome', grant_id: 'forged-by-the-page'}, '*');");
        // Both reached the page (its own listener counted them, in the same dispatch as the script's), and neither settled it.
        wait.until(d -> "2".equals(js("return document.body.dataset.messages || '0'")));
        assertEquals("pending", js("return document.body.dataset.outcome"));
        driver.switchTo().window(popup);
        click(By.id("org-acme"));
        click(By.id("approve"));
        backOnPage();
        List<Map<String, Object>> grants = grantsOfUser();
        assertEquals(1, grants.size());
        assertEquals(Map.of("resolved", Map.of("grant_id", grants.get(0).get("id").toString())), outcome());
    }

    @Test
    void thePluginServesTheScriptAsJavaScriptThatAnyOriginMayLoad() {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/connect/sentry/sentry-connect.js");
        assertEquals(200, response.statusCode());
        assertEquals("text/javascript;charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("cross-origin", response.headers().firstValue("Cross-Origin-Resource-Policy").orElseThrow());
        assertTrue(response.body().contains("global.SentryConnect = api"), "the script itself");
    }

    // --- steps ------------------------------------------------------------------------------------------------------

    /**
     * A platform page: the demo page of this origin (it loads the script under its CSP), with a button added the way a
     * platform adds its own: its click calls SentryConnect.connect and writes the outcome to body[data-outcome].
     */
    private void openPageWithButton() {
        driver = browser.driver();
        wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
        tenant = "t-" + UUID.randomUUID();
        user = "u-" + UUID.randomUUID();
        LinkDriver links = new LinkDriver(serviceUrl(), standIn, json);
        HttpResponse<String> created = links.createLink(links.jwt(tenant, user), Map.of("return_to", serviceUrl() + "/demo"));
        assertEquals(201, created.statusCode(), created.body());
        String linkUrl = (String) links.map(created.body()).get("link_url");
        driver.get(serviceUrl() + "/demo");
        mainWindow = driver.getWindowHandle();
        wait.until(d -> "true".equals(js("return document.body.dataset.ready || ''")));
        js("const linkUrl = arguments[0];"
                + "const button = document.createElement('button'); button.id = 'platform-connect'; button.textContent = 'Connect';"
                + "button.addEventListener('click', () => {"
                + "  document.body.dataset.outcome = 'pending';"
                + "  SentryConnect.connect(() => new Promise((resolve) => setTimeout(() => resolve({link_url: linkUrl}), 50)))"
                + "    .then((value) => { document.body.dataset.outcome = JSON.stringify({resolved: value}); },"
                + "          (error) => { document.body.dataset.outcome = JSON.stringify({rejected: error.code}); });"
                + "});"
                + "document.body.prepend(button);"
                + "window.addEventListener('message', () => {"
                + "  document.body.dataset.messages = String(Number(document.body.dataset.messages || '0') + 1); });", linkUrl);
    }

    private void intoPopup() {
        wait.until(d -> d.getWindowHandles().size() == 2);
        driver.switchTo().window(driver.getWindowHandles().stream().filter(h -> !h.equals(mainWindow)).findFirst().orElseThrow());
    }

    private void continueAndSignInAtSentry() {
        wait.until(ExpectedConditions.urlContains("/connect/sentry/start"));
        assertEquals(user, wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).getText());
        click(By.id("continue"));
        wait.until(ExpectedConditions.urlContains(standIn.baseUrl().getAuthority() + "/oauth/authorize/"));
        click(By.id("user-1"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("approve")));
    }

    private void approveAtSentry() {
        continueAndSignInAtSentry();
        click(By.id("org-acme"));
        click(By.id("approve"));
    }

    /** The popup closed itself; back on the platform page. */
    private void backOnPage() {
        wait.until(d -> d.getWindowHandles().size() == 1);
        driver.switchTo().window(mainWindow);
    }

    private Map<String, Object> outcome() {
        wait.until(d -> !"pending".equals(js("return document.body.dataset.outcome || 'pending'")));
        return new LinkDriver(serviceUrl(), standIn, json).map((String) js("return document.body.dataset.outcome"));
    }

    private List<Map<String, Object>> grantsOfUser() {
        return TestDatabase.query("SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ?", tenant, user);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }
}
