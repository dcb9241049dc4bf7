package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** After real traffic and a profile change, the Cache, Audit log and Plugins pages say what happened and what is there. */
class ActivityBrowserTest extends ConsoleBrowserTest {

    @Test
    void theCachePageShowsRecentRequestsAndTheAuditLogShowsAProfileChange() throws Exception {
        assertThat(CompletionLoad.once(port, DEMO_KEY, STORIES)).isEqualTo("ok");
        assertThat(CompletionLoad.once(port, DEMO_KEY, STORIES)).isEqualTo("ok");

        JsonNode document = api.get("/admin/api/models/" + STORIES + "/profile").json();
        ObjectNode changed = (ObjectNode) document.get("profile").deepCopy();
        changed.put("maxWaitingRequests", changed.get("maxWaitingRequests").asInt() + 7);
        AdminApi.Answer applied = api.put("/admin/api/models/" + STORIES + "/profile", changed,
                "\"" + document.get("version").asLong() + "\"");
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);

        signIn();
        go("Cache", "Cache");
        waitForText(By.id("cache-model"), STORIES);
        new Select(browser.findElement(By.id("cache-model"))).selectByVisibleText(STORIES);
        String requests = waitForText(By.xpath("//table[caption=\"The cache's part in recent requests, newest first\"]"), "demo");
        assertThat(requests).contains("Prompt tokens", "Cached tokens", "Blocks held");
        assertThat(browser.findElement(By.xpath("//table[caption='KV memory held in each tier']")).getText()).contains("Tier");
        screenshot("cache-after-traffic");

        go("Audit log", "Audit log");
        String audit = waitForText(By.xpath("//table[caption='The newest changes, newest first']"), "profile.apply");
        assertThat(audit).contains("model:" + STORIES, ADMIN);

        go("Plugins", "Plugins");
        String codecs = waitForText(By.xpath("//table[caption='Installed codec providers']"), "int8");
        assertThat(codecs).contains("f32", "f16", "int4-kivi", "loaded");
    }
}
