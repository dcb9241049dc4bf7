package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The running gateway and a headless Chromium driving its console as a person would. */
abstract class ConsoleBrowserTest extends RunningGateway {

    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeAll
    void startBrowser() throws IOException {
        browser = Chromium.start(WORK);
        wait = new WebDriverWait(browser, PATIENCE);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Opens the console signed out. */
    void openSignedOut() {
        browser.get(url("/admin/"));
        assertThat(browser.getTitle()).as("the console at %s: %s", url("/admin/"), browser.getPageSource()).contains("Kvasir admin");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")));
    }

    /** Signs in through the login form with the mouse-free defaults: name, password, Enter. */
    void signIn() {
        openSignedOut();
        WebElement name = browser.findElement(By.id("login-name"));
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), ADMIN);
        browser.findElement(By.id("login-password")).sendKeys(PASSWORD, Keys.ENTER);
        waitForHeading("Overview");
    }

    /** Follows a navigation link and waits for the page's heading. */
    void go(String link, String heading) {
        browser.findElement(By.cssSelector("nav")).findElement(By.linkText(link)).click();
        waitForHeading(heading);
    }

    void waitForHeading(String text) {
        try {
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), text));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("Waited for the heading '" + text + "'; the page shows: "
                    + browser.findElement(By.tagName("body")).getText() + "\nsource: " + browser.getPageSource(), e);
        }
    }

    /** Waits until the element's text contains {@code text}, and returns the element's text. */
    String waitForText(By locator, String text) {
        try {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        } catch (org.openqa.selenium.TimeoutException e) {
            List<WebElement> found = browser.findElements(locator);
            throw new AssertionError("Waited for '" + text + "' in " + locator + "; it shows: "
                    + (found.isEmpty() ? "(no such element)" : "'" + found.get(0).getText() + "'")
                    + "; the page shows: " + browser.findElement(By.tagName("body")).getText(), e);
        }
        return browser.findElement(locator).getText();
    }

    WebElement focused() {
        return browser.switchTo().activeElement();
    }

    /** Presses Tab until {@code target} says the focused element is the one, at most {@code limit} times. */
    WebElement tabUntil(Predicate<WebElement> target, int limit, String what) {
        for (int i = 0; i < limit; i++) {
            focused().sendKeys(Keys.TAB);
            WebElement now = focused();
            if (target.test(now)) {
                return now;
            }
        }
        throw new AssertionError("Tab never reached " + what + " within " + limit + " presses");
    }

    /** Saves a screenshot of the page as {@code target/screenshots/<name>.png}. */
    void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("kvasir.screenshots", "target/screenshots")));
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(dir.resolve(name + ".png")).isNotEmptyFile();
    }
}
