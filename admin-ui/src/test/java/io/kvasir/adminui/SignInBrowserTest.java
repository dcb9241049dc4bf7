package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Signing in and out, and every page rendering for a signed-in admin (with a screenshot of each). */
class SignInBrowserTest extends ConsoleBrowserTest {

    @Test
    void aWrongPasswordIsRefusedInTheFormAndNothingIsKept() {
        openSignedOut();
        assertThat(focused().getAttribute("id")).as("the name field has the focus").isEqualTo("login-name");
        browser.findElement(By.id("login-password")).sendKeys("not-the-password", Keys.ENTER);
        assertThat(waitForText(By.id("login-error"), "Incorrect")).isEqualTo("Incorrect admin name or password.");
        assertThat(browser.findElement(By.id("login-error")).getAttribute("role")).isEqualTo("alert");
        Object kept = ((JavascriptExecutor) browser).executeScript("return sessionStorage.length");
        assertThat(kept).isEqualTo(0L);
    }

    @Test
    void everyPageRendersForASignedInAdmin() throws IOException {
        signIn();
        waitForText(By.cssSelector("main [role='status']"), "Live:");
        waitForText(By.xpath("//table[caption='Now: " + STORIES + "']"), "Tokens per second");
        screenshot("overview");
        String[][] pages = {
            {"Models", "Models", "models"}, {"Tenants", "Tenants", "tenants"}, {"Cache", "Cache", "cache"},
            {"Strategies", "Strategies", "strategies"}, {"Plugins", "Plugins", "plugins"}, {"Audit log", "Audit log", "audit"},
        };
        for (String[] page : pages) {
            go(page[0], page[1]);
            assertThat(browser.getTitle()).isEqualTo(page[1] + " · Kvasir admin");
            assertThat(browser.findElement(By.cssSelector("nav a[aria-current='page']")).getText()).isEqualTo(page[0]);
            screenshot(page[2]);
        }
        go("Strategies", "Strategies");
        waitForText(By.cssSelector("main"), "No strategy report yet");
        go("Overview", "Overview");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), STORIES));
    }

    @Test
    void signingOutForgetsTheCredentials() {
        signIn();
        browser.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")));
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.length")).isEqualTo(0L);
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name")));
    }
}
