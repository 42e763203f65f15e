package io.sentryconnect.demo;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A person clicking through the demo page in headless Chromium: the real service, the real stand-in consent page,
 * the real database. Every wait is an explicit condition on the page (no sleeps); each test signs in as a platform
 * user of its own in a fresh browser, so the tests share nothing.
 *
 * <p>{@code -Ddemo.screenshot=docs/demo.png} also saves the README's screenshot on the way.
 */
@MicronautTest(environments = "test", transactional = false)
class DemoPageBrowserTest extends IntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String TENANT = "t-demo";

    @RegisterExtension
    final Browser browser = new Browser();

    @Inject
    SentryStandIn standIn;

    private WebDriver driver;
    private WebDriverWait wait;
    private String user;
    private String mainWindow;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.demo.enabled", "true",
                // One browser makes one request at a time: a small pool leaves the shared PostgreSQL's connections to others.
                "datasources.default.maximum-pool-size", "4",
                // The page sends itself as return_to, so its origin must be on the allow-list, as in application-dev.yml.
                "sentry-connect.link.allowed-return-origins", "https://platform.example," + serviceUrl());
    }

    @AfterEach
    void resetStandIn() {
        standIn.reset();
    }

    @Test
    void aPersonConnectsCallsSentrySeesARevocationReconnectsAndDisconnects() {
        String user = openAndSignIn("alice");
        waitVisible(By.id("no-grants"));

        click(By.id("connect"));
        approveAtSentry("1", "acme");
        waitFlash("success", "connected");
        assertTrue(flashText().contains("Connected Acme Corp (acme)"), flashText());
        WebElement card = waitGrant("acme", "active");
        String grantId = card.getAttribute("data-grant-id");
        assertTrue(card.getText().contains("Ada Lovelace"), card.getText());
        assertTrue(card.findElement(By.cssSelector("[data-role=scopes]")).getText().contains("project:read"));
        assertEquals(List.of(Map.of("status", "active", "user_id", user)),
                TestDatabase.query("SELECT status, user_id FROM sentry_connect_grant WHERE id = ?::uuid", grantId));

        // Call Sentry's API through the grant: projects, then two pages of one project's issues.
        click(grantAction("acme", "projects"));
        waitResults("acme", "projects", "1");
        assertEquals(List.of("backend", "billing", "frontend"), rowKeys("acme"));
        click(By.cssSelector("article.grant[data-org=acme] [data-action=issues][data-project=backend]"));
        waitResults("acme", "issues", "1");
        List<String> firstPage = rowKeys("acme");
        assertEquals(100, firstPage.size());
        saveReadmeScreenshotIfAsked();
        click(grantAction("acme", "next-page"));
        waitResults("acme", "issues", "2");
        List<String> secondPage = rowKeys("acme");
        assertEquals(100, secondPage.size());
        assertFalse(secondPage.stream().anyMatch(firstPage::contains), "page 2 repeats page 1");
        assertTrue(text(By.cssSelector("article.grant[data-org=acme] [data-role=page-info]")).startsWith("Page 2"));

        // The user removes the app at Sentry: the service learns it at its next call, and the page offers Reconnect.
        click(grantAction("acme", "revoke-at-sentry"));
        waitFlash("info", "revoked_at_sentry");
        waitGrant("acme", "active");
        click(grantAction("acme", "projects"));
        waitFlash("error", "grant_revoked");
        card = waitGrant("acme", "revoked");
        assertTrue(card.findElement(By.cssSelector("[data-role=reconnect-callout]")).getText()
                .contains("Sentry no longer accepts this connection"));
        assertTrue(driver.findElements(grantAction("acme", "projects")).isEmpty(), "a revoked grant offers no API calls");

        click(grantAction("acme", "reconnect"));
        approveAtSentry("1", "acme");
        waitFlash("success", "reconnected");
        card = waitGrant("acme", "active");
        assertEquals(grantId, card.getAttribute("data-grant-id"), "reconnect keeps the grant");
        click(grantAction("acme", "projects"));
        waitResults("acme", "projects", "1");

        click(grantAction("acme", "disconnect"));
        waitFlash("success", "disconnected");
        waitVisible(By.id("no-grants"));
        assertTrue(driver.findElements(By.cssSelector("article.grant")).isEmpty());
        assertEquals(List.of(Map.of("status", "disconnected")),
                TestDatabase.query("SELECT status FROM sentry_connect_grant WHERE id = ?::uuid", grantId));
    }

    @Test
    void denyingAtSentryShowsAReadableErrorAndConnectsNothing() {
        String user = openAndSignIn("bob");
        click(By.id("connect"));
        signInAtSentry("1");
        click(By.id("deny"));
        backOnDemo();
        waitFlash("error", "access_denied");
        assertTrue(flashText().startsWith("You declined the connection, so nothing was connected."), flashText());
        waitVisible(By.id("no-grants"));
        assertEquals(List.of(), TestDatabase.query("SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ?",
                TENANT, user));
    }

    @Test
    void cancellingOnTheConfirmationPageShowsAReadableErrorAndAsksNothingOfSentry() {
        String user = openAndSignIn("dave");
        int sentryRequests = standIn.requests(null).size();
        click(By.id("connect"));
        intoPopup();
        wait.until(ExpectedConditions.urlContains("/connect/sentry/start"));
        assertEquals(user, text(By.id("user")));
        click(By.id("cancel"));
        backOnDemo();
        waitFlash("error", "access_denied");
        assertEquals(sentryRequests, standIn.requests(null).size(), "nothing was sent to Sentry");
        assertEquals(List.of(), TestDatabase.query("SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ?",
                TENANT, user));
    }

    @Test
    void thePageKeepsItsSignedInUserThroughAReloadAndForgetsItOnSwitchUser() {
        String user = openAndSignIn("carol");
        driver.navigate().refresh();
        waitReady();
        assertEquals(user, text(By.id("identity-user")));
        click(By.id("sign-out"));
        waitVisible(By.id("sign-in-card"));
        driver.navigate().refresh();
        waitReady();
        waitVisible(By.id("sign-in-card"));
    }

    // --- steps ------------------------------------------------------------------------------------------------------

    /** Opens the demo and signs in as a platform user that no other test uses; returns the user id. */
    private String openAndSignIn(String user) {
        driver = browser.driver();
        wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(50));
        driver.get(serviceUrl() + "/");
        mainWindow = driver.getWindowHandle();
        waitReady();
        assertEquals(serviceUrl() + "/demo", driver.getCurrentUrl(), "/ leads to the demo");
        WebElement tenant = waitVisible(By.id("tenant"));
        tenant.clear();
        tenant.sendKeys(TENANT);
        WebElement userField = driver.findElement(By.id("user"));
        userField.clear();
        userField.sendKeys(user);
        click(By.id("sign-in"));
        wait.until(ExpectedConditions.textToBe(By.id("identity-user"), user));
        waitVisible(By.id("connect"));
        this.user = user;
        return user;
    }

    /** Our confirmation page names the demo's tenant and the signed-in user; the person continues to Sentry. */
    private void continueToSentry() {
        intoPopup();
        wait.until(ExpectedConditions.urlContains("/connect/sentry/start"));
        assertEquals(TENANT, text(By.id("tenant")));
        assertEquals(user, text(By.id("user")));
        click(By.id("continue"));
    }

    private void signInAtSentry(String sentryUserId) {
        continueToSentry();
        wait.until(ExpectedConditions.urlContains(standIn.baseUrl().getAuthority() + "/oauth/authorize/"));
        click(By.id("user-" + sentryUserId));
        waitVisible(By.id("approve"));
    }

    private void approveAtSentry(String sentryUserId, String orgSlug) {
        signInAtSentry(sentryUserId);
        click(By.id("org-" + orgSlug));
        click(By.id("approve"));
        backOnDemo();
    }

    /** Connect opens Sentry's consent in a popup (the Connect button script): the steps there happen in it. */
    private void intoPopup() {
        wait.until(d -> d.getWindowHandles().size() == 2);
        driver.switchTo().window(driver.getWindowHandles().stream().filter(h -> !h.equals(mainWindow)).findFirst().orElseThrow());
    }

    /** The popup closes itself on the way back, and the demo page shows the outcome. */
    private void backOnDemo() {
        wait.until(d -> d.getWindowHandles().size() == 1);
        driver.switchTo().window(mainWindow);
        wait.until(ExpectedConditions.urlToBe(serviceUrl() + "/demo"));
        waitReady();
    }

    private void waitReady() {
        wait.until(d -> "true".equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.ready || ''")));
    }

    private void waitFlash(String kind, String code) {
        By flash = By.cssSelector("#flash[data-kind='" + kind + "'][data-code='" + code + "']");
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(flash));
        } catch (RuntimeException e) {
            throw new AssertionError("expected a " + kind + " message (" + code + "); the page shows: "
                    + driver.findElement(By.id("flash")).getAttribute("data-code") + " " + flashText(), e);
        }
    }

    private String flashText() {
        return driver.findElement(By.id("flash-text")).getText();
    }

    private WebElement waitGrant(String org, String status) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("article.grant[data-org='" + org + "'][data-status='" + status + "']")));
    }

    private void waitResults(String org, String kind, String page) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.grant[data-org='" + org
                + "'] [data-role=results][data-kind='" + kind + "'][data-state=ready][data-page='" + page + "']")));
    }

    /** The rows' keys in one round trip (a hundred getAttribute calls would take seconds). */
    @SuppressWarnings("unchecked")
    private List<String> rowKeys(String org) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return Array.from(document.querySelectorAll("
                + "arguments[0]), row => row.dataset.key)", "article.grant[data-org='" + org + "'] [data-role=rows] tr");
    }

    private static By grantAction(String org, String action) {
        return By.cssSelector("article.grant[data-org='" + org + "'] [data-action='" + action + "']");
    }

    private void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private WebElement waitVisible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private String text(By by) {
        return waitVisible(by).getText();
    }

    /** The README's picture: a connected grant with an issue list, taken from this very run when asked for. */
    private void saveReadmeScreenshotIfAsked() {
        String target = System.getProperty("demo.screenshot");
        if (target != null && !target.isBlank()) {
            // A 1280×900 page, whatever room the (invisible) browser frame takes from the window.
            JavascriptExecutor js = (JavascriptExecutor) driver;
            long frame = ((Number) js.executeScript("return window.outerHeight - window.innerHeight")).longValue();
            driver.manage().window().setSize(new Dimension(1280, 900 + (int) frame));
            wait.until(d -> ((Number) js.executeScript("return window.innerHeight")).intValue() == 900);
            js.executeScript("window.scrollTo(0, 0)");
            browser.screenshot(Path.of(target));
        }
    }
}
