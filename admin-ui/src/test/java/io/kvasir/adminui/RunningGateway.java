package io.kvasir.adminui;

import io.kvasir.engine.model.synth.EmbeddedModel;
import io.kvasir.gateway.KvasirGatewayApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real gateway (embedded H2, the embedded model and stories260K from the shared directory) with this module's
 * console on its class path. Every test class of this kind shares one gateway (Spring caches the context), so
 * tests read versions and names from the gateway rather than assuming them.
 */
@SpringBootTest(classes = KvasirGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunningGateway {

    static final String ADMIN = "admin";
    static final String PASSWORD = "console-browser-test-password";
    static final String DEMO_KEY = "kv-ConsoleBrowserTestDemoTenantKey00000001";
    static final String STORIES = "stories260K";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    static final Path WORK = workDirectory();

    @LocalServerPort
    int port;

    AdminApi api;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws IOException {
        Path shared = Path.of(System.getProperty("kvasir.shared.dir", "../shared"));
        Path stories = shared.resolve("models/stories260K.gguf");
        Chromium.require(Files.isRegularFile(stories), "No " + stories + " (kvasir.shared.dir)");
        // The model path policy refuses '..' and links leaving a model directory: name the real file.
        Path storiesFile = stories.toRealPath();
        Path embedded = EmbeddedModel.ensure();
        String store = "console_" + UUID.randomUUID().toString().replace('-', '_');
        Path home = Files.createDirectories(WORK.resolve("kvasir-home"));
        registry.add("kvasir.home", home::toString);
        registry.add("spring.r2dbc.url", () -> "r2dbc:h2:mem:///" + store + "?options=DB_CLOSE_DELAY=-1");
        registry.add("spring.flyway.url", () -> "jdbc:h2:mem:" + store + ";DB_CLOSE_DELAY=-1");
        registry.add("kvasir.bootstrap.admin-password", () -> PASSWORD);
        registry.add("kvasir.bootstrap.demo-tenant-key", () -> DEMO_KEY);
        registry.add("kvasir.admin.password-iterations", () -> "1000");
        registry.add("kvasir.model-dirs[0]", () -> embedded.getParent().toString());
        registry.add("kvasir.model-dirs[1]", () -> storiesFile.getParent().toString());
        registry.add("kvasir.models[0].file", embedded::toString);
        registry.add("kvasir.models[0].threads", () -> "1");
        registry.add("kvasir.models[0].kv-cache-memory", () -> "64MB");
        registry.add("kvasir.models[1].file", storiesFile::toString);
        registry.add("kvasir.models[1].threads", () -> "1");
        registry.add("kvasir.models[1].kv-cache-memory", () -> "16MB");
    }

    private static Path workDirectory() {
        try {
            return Files.createDirectories(Path.of("target", "browser-tests").toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    void connect() {
        api = new AdminApi(port, ADMIN, PASSWORD);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }
}
