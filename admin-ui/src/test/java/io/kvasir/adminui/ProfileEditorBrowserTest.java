package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The profile editor's checks: inline errors as the admin types, the gateway's own problems, a stale version. */
class ProfileEditorBrowserTest extends ConsoleBrowserTest {

    @BeforeEach
    void openTheEditor() {
        signIn();
        go("Models", "Models");
        waitForText(By.id("model-select"), STORIES);
        new Select(browser.findElement(By.id("model-select"))).selectByVisibleText(STORIES);
        waitForText(By.id("editor-title"), "Profile of " + STORIES);
    }

    private WebElement input(String id) {
        return browser.findElement(By.id(id));
    }

    private void type(String id, String text) {
        WebElement field = input(id);
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        field.sendKeys(text);
    }

    @Test
    void wrongInputShowsInlineErrorsAndNothingIsSent() {
        long version = api.get("/admin/api/models/" + STORIES + "/profile").json().get("version").asLong();
        type("f-blockSize", "0");
        assertThat(waitForText(By.id("f-blockSize-error"), "Must be")).isEqualTo("Must be between 1 and 1024 tokens.");
        assertThat(input("f-blockSize").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(input("f-blockSize").getAttribute("aria-describedby")).contains("f-blockSize-error");
        type("f-kvCacheBytes", "a lot");
        assertThat(waitForText(By.id("f-kvCacheBytes-error"), "Enter")).isEqualTo("Enter a size such as 268435456, 512MiB or 2GiB.");

        browser.findElement(By.xpath("//button[normalize-space()='Preview changes']")).click();
        assertThat(waitForText(By.id("apply-result"), "attention")).isEqualTo("2 fields need attention before the changes can be previewed.");
        assertThat(focused().getAttribute("id")).as("the first wrong field takes the focus").isEqualTo("f-kvCacheBytes");
        assertThat(input("apply").isEnabled()).isFalse();

        type("f-blockSize", "32");
        type("f-kvCacheBytes", "16MiB");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("f-blockSize-error")));
        assertThat(browser.findElements(By.cssSelector(".field-error"))).isEmpty();
        assertThat(api.get("/admin/api/models/" + STORIES + "/profile").json().get("version").asLong()).isEqualTo(version);
    }

    @Test
    void theGatewaysProblemsShowAtTheirFields() {
        type("f-modelFile", "../../etc/passwd");
        browser.findElement(By.xpath("//button[normalize-space()='Preview changes']")).click();
        waitForText(By.id("apply-result"), "The gateway found");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-modelFile-error")));
        assertThat(error.getText()).isNotBlank();
        assertThat(input("f-modelFile").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(input("apply").isEnabled()).isFalse();
    }

    @Test
    void anApplyOverAStaleVersionIsRefusedWithA409AndTheEditsAreKept() {
        JsonNode document = api.get("/admin/api/models/" + STORIES + "/profile").json();
        long version = document.get("version").asLong();
        ObjectNode changed = (ObjectNode) document.get("profile").deepCopy();
        changed.put("maxWaitingRequests", changed.get("maxWaitingRequests").asInt() + 1);
        AdminApi.Answer elsewhere = api.put("/admin/api/models/" + STORIES + "/profile", changed, "\"" + version + "\"");
        assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(200);

        type("f-maxRunningRequests", "8");
        browser.findElement(By.xpath("//button[normalize-space()='Preview changes']")).click();
        waitForText(By.id("diff-summary"), "change");
        input("apply").click();
        String message = waitForText(By.id("apply-error"), "409");
        assertThat(message).contains("Not applied", "version " + version, "Your edits are still in the form");
        assertThat(input("f-maxRunningRequests").getAttribute("value")).isEqualTo("8");

        browser.findElement(By.xpath("//button[normalize-space()='Load the current version']")).click();
        waitForText(By.cssSelector(".editor .meta"), "Version " + (version + 1));
    }

    @Test
    void anEvictionPolicyIsChosenWithItsSettingsFromItsSchemaAppliedAndRolledBack() {
        long version = api.get("/admin/api/models/" + STORIES + "/profile").json().get("version").asLong();
        new Select(input("choice-prefixIndex")).selectByVisibleText("none");
        new Select(input("choice-eviction")).selectByVisibleText("streaming");
        WebElement sinks = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-eviction-config-sink_tokens")));
        assertThat(browser.findElement(By.cssSelector("label[for='f-eviction-config-sink_tokens']")).getText())
                .isEqualTo("Sink tokens (tokens)");
        assertThat(sinks.getAttribute("value")).as("the schema's default").isEqualTo("4");
        type("f-eviction-config-sink_tokens", "2000");
        assertThat(waitForText(By.id("f-eviction-config-sink_tokens-error"), "Must")).isEqualTo("Must be between 0 and 1024 tokens.");
        type("f-eviction-config-sink_tokens", "2");

        browser.findElement(By.xpath("//button[normalize-space()='Preview changes']")).click();
        waitForText(By.id("diff-summary"), "Needs a drain");
        String diff = browser.findElement(By.xpath("//table[caption='What applying changes']")).getText();
        assertThat(diff).contains("Prefix index", "Eviction", "streaming (", "sink_tokens=2");
        input("apply").click();
        waitForText(By.id("change-result"), "is now at profile version " + (version + 1));
        JsonNode eviction = api.get("/admin/api/models/" + STORIES + "/profile").json().get("profile").get("plugins").get("eviction");
        assertThat(eviction.get("name").asString()).isEqualTo("streaming");
        assertThat(eviction.get("config").get("sink_tokens").asInt()).isEqualTo(2);
        assertThat(CompletionLoad.once(port, DEMO_KEY, STORIES)).as("the new instance serves").isEqualTo("ok");

        browser.findElement(By.xpath("//button[normalize-space()='Roll back to version " + version + "']")).click();
        waitForText(By.id("rollback-result"), "Rolled back to version " + version);
        assertThat(api.get("/admin/api/models/" + STORIES + "/profile").json().get("profile").get("plugins")
                .get("eviction").get("name").asString()).isEqualTo("none");
    }
}
