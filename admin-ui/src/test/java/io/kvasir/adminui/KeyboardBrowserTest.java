package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The console from the keyboard alone: the skip link, the navigation, and the main flow — change a model's codec,
 * see that the change needs a drain, apply it while completions stream, see the new version in the history, and
 * roll it back.
 */
class KeyboardBrowserTest extends ConsoleBrowserTest {

    private static boolean is(WebElement element, String tag, String text) {
        return element.getTagName().equals(tag) && element.getText().strip().equals(text);
    }

    @Test
    void theSkipLinkComesFirstAndTakesTheFocusToTheContent() {
        signIn();
        browser.navigate().refresh();
        waitForHeading("Overview");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        WebElement skip = focused();
        assertThat(skip.getText()).isEqualTo("Skip to content");
        assertThat(skip.isDisplayed()).isTrue();
        assertThat(skip.getRect().getY()).as("the focused skip link is on screen").isGreaterThanOrEqualTo(0);
        assertThat(skip.getCssValue("outline-style")).as("focus is visible").isEqualTo("solid");
        skip.sendKeys(Keys.ENTER);
        assertThat(focused().getAttribute("id")).isEqualTo("main");
    }

    @Test
    void theMainFlowWorksFromTheKeyboardAlone() throws Exception {
        signIn();
        browser.navigate().refresh();
        waitForHeading("Overview");
        new Actions(browser).sendKeys(Keys.TAB).perform();
        tabUntil(e -> is(e, "a", "Models"), 10, "the Models link").sendKeys(Keys.ENTER);
        waitForHeading("Models");
        assertThat(focused().getTagName()).as("the new page's heading takes the focus").isEqualTo("h1");

        WebElement model = tabUntil(e -> "model-select".equals(e.getAttribute("id")), 20, "the model select");
        model.sendKeys(STORIES);
        waitForText(By.id("editor-title"), "Profile of " + STORIES);
        JsonNode before = api.get("/admin/api/models/" + STORIES + "/profile").json();
        long version = before.get("version").asLong();
        String codec = AdminApi.codecOf(before);
        String other = codec.equals("int8") ? "f16" : "int8";

        WebElement codecSelect = tabUntil(e -> "choice-codec".equals(e.getAttribute("id")), 40, "the codec select");
        codecSelect.sendKeys(other);
        assertThat(new Select(browser.findElement(By.id("choice-codec"))).getFirstSelectedOption().getAttribute("value")).isEqualTo(other);

        tabUntil(e -> is(e, "button", "Preview changes"), 60, "Preview changes").sendKeys(Keys.ENTER);
        String summary = waitForText(By.id("diff-summary"), "Needs a drain");
        WebElement row = browser.findElement(By.xpath("//table[caption='What applying changes']/tbody/tr[1]"));
        assertThat(summary).as(browser.findElement(By.xpath("//table[caption='What applying changes']")).getText())
                .startsWith("1 change.");
        assertThat(row.getText()).contains("Codec", codec, other, "Drain: new instance");

        try (CompletionLoad load = new CompletionLoad(port, DEMO_KEY, STORIES)) {
            tabUntil(e -> "apply".equals(e.getAttribute("id")), 10, "Apply").sendKeys(Keys.ENTER);
            waitForText(By.id("change-result"), "is now at profile version " + (version + 1));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("tr[data-version='" + (version + 1) + "'] th"), "(current)"));

            tabUntil(e -> is(e, "button", "Roll back to version " + version), 80, "the rollback button").sendKeys(Keys.ENTER);
            waitForText(By.id("rollback-result"), "Rolled back to version " + version + ": the profile is now version " + (version + 2));
            assertThat(load.stop()).as("every completion streamed during the change succeeded").isNotEmpty().containsOnly("ok");
        }
        JsonNode after = api.get("/admin/api/models/" + STORIES + "/profile").json();
        assertThat(after.get("version").asLong()).isEqualTo(version + 2);
        assertThat(AdminApi.codecOf(after)).isEqualTo(codec);
        screenshot("models-after-rollback");
    }
}
