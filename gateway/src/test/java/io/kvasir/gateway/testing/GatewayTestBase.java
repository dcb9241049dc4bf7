package io.kvasir.gateway.testing;

import io.kvasir.engine.model.synth.EmbeddedModel;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running gateway for HTTP tests, shared by every test class that extends this one (one Spring context):
 * {@code stories260K} from the shared models directory and the embedded default model, each with a small KV
 * cache, a second instance of the embedded model that prefills two tokens per step, the
 * {@link TestModels}, the test tenant and an admission that admits everything.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"kvasir.api.heartbeat-interval=200ms", "kvasir.server.drain-grace-period=1500ms"})
@Import({TestTenancy.class, TestModels.class})
public abstract class GatewayTestBase {

    /** The served name of stories260K. */
    public static final String STORIES = "stories260K";
    /** The served name of the embedded default model. */
    public static final String EMBEDDED = "kvasir-tiny-q8_0";
    /** The embedded model again, prefilling two tokens per step, so a long prompt takes hundreds of steps. */
    public static final String SLOW_PREFILL = "tiny-slow-prefill";

    @LocalServerPort
    protected int port;

    @Autowired
    protected ModelCatalog catalog;

    @Autowired
    protected TestTenancy.CountingAdmission admission;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        Path stories = SharedFiles.require("models/stories260K.gguf");
        Path embedded;
        try {
            embedded = EmbeddedModel.ensure();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // indexed properties bind from one source only: every model setting is here
        registry.add("kvasir.model-dirs[0]", () -> stories.getParent().toString());
        registry.add("kvasir.model-dirs[1]", () -> embedded.getParent().toString());
        registry.add("kvasir.models[0].file", () -> stories.getFileName().toString());
        registry.add("kvasir.models[0].kv-cache-memory", () -> "8MB");
        registry.add("kvasir.models[0].threads", () -> "1");
        registry.add("kvasir.models[1].file", embedded::toString);
        registry.add("kvasir.models[1].kv-cache-memory", () -> "16MB");
        registry.add("kvasir.models[1].threads", () -> "1");
        registry.add("kvasir.models[2].file", embedded::toString);
        registry.add("kvasir.models[2].name", () -> SLOW_PREFILL);
        registry.add("kvasir.models[2].kv-cache-memory", () -> "8MB");
        registry.add("kvasir.models[2].threads", () -> "1");
        registry.add("kvasir.models[2].max-batch-tokens", () -> "2");
        registry.add("kvasir.models[2].max-running-requests", () -> "2");
    }

    protected ModelEngine engine(String name) {
        return catalog.find(name).orElseThrow();
    }

    /** Waits (up to 20 s) until the condition holds; for effects that follow a response asynchronously. */
    public static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }
}
