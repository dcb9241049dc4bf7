package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Tenants from the console: a new tenant's key is shown once and works; wrong input is caught; it is audited. */
class TenantsBrowserTest extends ConsoleBrowserTest {

    @BeforeEach
    void openTenants() {
        signIn();
        go("Tenants", "Tenants");
    }

    private void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        field.sendKeys(text);
    }

    private int numTenants() {
        return api.get("/admin/api/tenants").json().get("data").size();
    }

    @Test
    void aNewTenantsKeyIsShownOnceAndStreamsACompletion() throws Exception {
        type("f-create-name", "Browser Test Co");
        type("f-create-weight", "2");
        type("f-create-requests_per_minute", "120");
        browser.findElement(By.xpath("//button[normalize-space()='Create tenant']")).click();
        waitForText(By.id("tenant-result"), "Created tenant browser-test-co.");
        String key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key"))).getAttribute("value");
        assertThat(key).startsWith("kv-");
        screenshot("tenants-new-key");
        assertThat(browser.findElement(By.xpath("//table[caption='Tenants']")).getText()).contains("browser-test-co", "Browser Test Co");

        assertThat(CompletionLoad.once(port, key, STORIES)).isEqualTo("ok");

        browser.findElement(By.xpath("//button[normalize-space()='I have saved it']")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-key")));
        assertThat(browser.getPageSource()).doesNotContain(key);
        browser.navigate().refresh();
        waitForHeading("Tenants");
        assertThat(browser.getPageSource()).doesNotContain(key);
        assertThat(api.get("/admin/api/tenants").body()).doesNotContain(key);

        go("Audit log", "Audit log");
        waitForText(By.xpath("//table[caption='The newest changes, newest first']"), "tenant:browser-test-co");
    }

    @Test
    void wrongTenantInputShowsInlineErrorsAndCreatesNothing() {
        int before = numTenants();
        type("f-create-weight", "-1");
        type("f-create-prefix_group", "Not Valid");
        assertThat(waitForText(By.id("f-create-weight-error"), "Must")).isEqualTo("Must be between 0.000001 and 1000000.");
        browser.findElement(By.xpath("//button[normalize-space()='Create tenant']")).click();
        waitForText(By.cssSelector("#create-title ~ form .status"), "3 fields need attention.");
        assertThat(browser.findElement(By.id("f-create-name-error")).getText()).isEqualTo("Required.");
        assertThat(browser.findElement(By.id("f-create-prefix_group-error")).getText()).startsWith("Lower-case letters");
        assertThat(focused().getAttribute("id")).isEqualTo("f-create-name");
        assertThat(numTenants()).isEqualTo(before);
    }

    @Test
    void rotatingAKeyShowsTheNewOneOnce() {
        browser.findElement(By.xpath("//button[normalize-space()='Manage demo']")).click();
        waitForText(By.id("tenant-title"), "(demo)");
        browser.findElement(By.xpath("//button[normalize-space()='Issue a new key']")).click();
        String key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key"))).getAttribute("value");
        assertThat(key).startsWith("kv-").isNotEqualTo(DEMO_KEY);
        waitForText(By.id("tenant-result"), "Issued a new key for demo.");
    }
}
