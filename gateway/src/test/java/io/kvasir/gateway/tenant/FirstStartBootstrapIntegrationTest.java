package io.kvasir.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.gateway.KvasirGatewayApplication;
import io.kvasir.gateway.testing.InMemoryStoreForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * First start on the default embedded store (an H2 file under {@code kvasir.home}): the admin credential and the
 * demo key are created once and printed once, or taken from the environment; a restart creates nothing new and
 * the same credentials keep working.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstStartBootstrapIntegrationTest {

    private static final Pattern PRINTED_KEY = Pattern.compile("demo API key:\\s+(kv-[A-Za-z0-9_-]+)");
    private static final Pattern PRINTED_PASSWORD = Pattern.compile("admin password:\\s+(\\S+)");
    /** The printed curl command: its Authorization header, path and body. */
    private static final Pattern PRINTED_CURL = Pattern.compile(
            "curl -N http://localhost:\\w+(/v1/chat/completions) -H \"(Authorization: Bearer [^\"]+)\".*?-d '([^']+)'",
            Pattern.DOTALL);

    @TempDir
    Path home;

    @Test
    void firstStartPrintsGeneratedSecretsOnceAndARestartKeepsThem(CapturedOutput output) throws Exception {
        String key;
        String password;
        try (ConfigurableApplicationContext app = start()) {
            key = printed(PRINTED_KEY, output.getOut());
            password = printed(PRINTED_PASSWORD, output.getOut());
            assertThat(output.getOut()).contains("Kvasir first start").contains("shown ONCE");
            client(app).get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.tenant_id").isEqualTo("demo");
            client(app).get().uri("/admin/api/tenants").header(HttpHeaders.AUTHORIZATION, basic(password)).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.data.length()").isEqualTo(1);
            // the printed curl command, as pasted into a shell, streams a chat completion
            Matcher tryIt = PRINTED_CURL.matcher(output.getOut());
            assertThat(tryIt.find()).as(output.getOut()).isTrue();
            assertThat(tryIt.group(2)).isEqualTo("Authorization: Bearer " + key);
            client(app).post().uri(tryIt.group(1)).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(tryIt.group(3)).exchange()
                    .expectStatus().isOk().expectBody(String.class)
                    .value(body -> assertThat(body).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n"));
        }
        assertThat(Files.list(home.resolve("data"))).anyMatch(f -> f.getFileName().toString().startsWith("kvasir"));
        int printedBefore = output.getOut().length();

        try (ConfigurableApplicationContext app = start()) {
            String secondStart = output.getOut().substring(printedBefore);
            assertThat(secondStart).doesNotContain("first start").doesNotContain(key).doesNotContain(password);
            client(app).get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                    .expectStatus().isOk();
            client(app).get().uri("/admin/api/tenants").header(HttpHeaders.AUTHORIZATION, basic(password)).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.data.length()").isEqualTo(1);
            client(app).get().uri("/admin/api/audit").header(HttpHeaders.AUTHORIZATION, basic(password)).exchange()
                    .expectStatus().isOk().expectBody()
                    .jsonPath("$.data[?(@.action == 'admin.create')]").value(v -> assertThat((List<?>) v).hasSize(1))
                    .jsonPath("$.data[?(@.action == 'tenant.create')]").value(v -> assertThat((List<?>) v).hasSize(1));
        }
    }

    @Test
    void secretsFromTheEnvironmentAreUsedAndNeverPrinted(CapturedOutput output) {
        String key = "kv-FromTheEnvironmentFromTheEnvironment000";
        String password = "from-the-environment";
        try (ConfigurableApplicationContext app = start("--kvasir.bootstrap.admin-password=" + password,
                "--kvasir.bootstrap.demo-tenant-key=" + key)) {
            assertThat(output.getOut()).contains("Kvasir first start").contains("(from KVASIR_ADMIN_PASSWORD)")
                    .contains("(from KVASIR_DEMO_TENANT_KEY)").doesNotContain(key).doesNotContain(password)
                    .as("the printed curl command leaves the variable for the shell to expand")
                    .contains("-H \"Authorization: Bearer $KVASIR_DEMO_TENANT_KEY\"");
            client(app).get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                    .expectStatus().isOk();
            client(app).get().uri("/admin/api/tenants").header(HttpHeaders.AUTHORIZATION, basic(password)).exchange()
                    .expectStatus().isOk();
        }
    }

    @Test
    void aMalformedKeyFromTheEnvironmentStopsTheFirstStartWithAClearMessage() {
        assertThatThrownBy(() -> start("--kvasir.bootstrap.demo-tenant-key=kv-short").close())
                .hasStackTraceContaining("KVASIR_DEMO_TENANT_KEY must be 'kv-' followed by 32 to 128 characters");
    }

    private ConfigurableApplicationContext start(String... extraArgs) {
        String[] args = new String[extraArgs.length + 4];
        args[0] = "--server.port=0";
        args[1] = "--kvasir.home=" + home;
        args[2] = "--" + InMemoryStoreForTests.FILE_STORE + "=true";
        args[3] = "--kvasir.admin.password-iterations=1000";
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        return new SpringApplicationBuilder(KvasirGatewayApplication.class).run(args);
    }

    private static WebTestClient client(ConfigurableApplicationContext app) {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    private static String printed(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        assertThat(matcher.find()).as("printed %s in:%n%s", pattern, output).isTrue();
        return matcher.group(1);
    }

    private static String basic(String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes());
    }
}
