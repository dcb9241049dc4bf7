package io.kvasir.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class AdminConsoleTest {

    @TempDir
    Path root;

    private WebTestClient consoleFrom(Path classPathRoot) throws IOException {
        URLClassLoader loader = new URLClassLoader(new URL[] {classPathRoot.toUri().toURL()}, null);
        return WebTestClient.bindToRouterFunction(AdminConsole.fromClassPath(loader).routes()).build();
    }

    private Path installedConsole() throws IOException {
        Path dir = Files.createDirectories(root.resolve("kvasir-admin/assets"));
        Files.writeString(dir.getParent().resolve("index.html"), "<!doctype html><title>Kvasir admin</title>", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("index-abc123.js"), "console.log('kvasir')", StandardCharsets.UTF_8);
        Files.writeString(root.resolve("secret.txt"), "not for the web", StandardCharsets.UTF_8);
        return root;
    }

    @Test
    void servesThePageUncachedWithAContentSecurityPolicy() throws IOException {
        consoleFrom(installedConsole()).get().uri("/admin/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Cache-Control", "no-cache")
                .expectHeader().valueEquals("Content-Security-Policy", AdminConsole.CONTENT_SECURITY_POLICY)
                .expectBody(String.class).value(body -> assertThat(body).contains("<title>Kvasir admin</title>"));
    }

    @Test
    void redirectsTheBarePathToTheDirectory() throws IOException {
        consoleFrom(installedConsole()).get().uri("/admin").exchange()
                .expectStatus().isPermanentRedirect()
                .expectHeader().valueEquals("Location", "/admin/");
    }

    @Test
    void servesHashedAssetsCachedForAYear() throws IOException {
        consoleFrom(installedConsole()).get().uri("/admin/assets/index-abc123.js").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("Cache-Control", "max-age=31536000, public, immutable")
                .expectBody(String.class).isEqualTo("console.log('kvasir')");
    }

    @Test
    void refusesAssetPathsThatLeaveTheDirectoryOrNameNothing() throws IOException {
        WebTestClient console = consoleFrom(installedConsole());
        console.get().uri("/admin/assets/missing.js").exchange().expectStatus().isNotFound();
        console.get().uri("/admin/assets/../../secret.txt").exchange().expectStatus().isNotFound();
        console.get().uri("/admin/assets/%2e%2e/%2e%2e/secret.txt").exchange().expectStatus().isNotFound();
    }

    @Test
    void withoutTheJarThePageIsA404SayingHowToInstallIt() throws IOException {
        WebTestClient console = consoleFrom(Files.createDirectories(root.resolve("empty")));
        console.get().uri("/admin/").exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("console_not_installed")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("kvasir-admin-ui"));
        console.get().uri("/admin/assets/index-abc123.js").exchange().expectStatus().isNotFound();
    }

    @Test
    void onlyReadsOfThePageAndItsAssetsAreStatic() {
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin")).isTrue();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/")).isTrue();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.HEAD, "/admin/index.html")).isTrue();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/assets/index-abc123.js")).isTrue();

        assertThat(AdminConsole.isStaticRequest(HttpMethod.POST, "/admin/")).isFalse();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/api/tenants")).isFalse();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/assets/")).isFalse();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/ADMIN/")).isFalse();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/Assets/x.js")).isFalse();
        assertThat(AdminConsole.isStaticRequest(HttpMethod.GET, "/admin/api")).isFalse();
    }
}
