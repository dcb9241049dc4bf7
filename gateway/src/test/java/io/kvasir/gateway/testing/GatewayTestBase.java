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
 * cache, the test tenant and an admission that admits everything.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kvasir.models[0].kv-cache-memory=8MB",
        "kvasir.models[0].threads=1",
        "kvasir.models[1].kv-cache-memory=16MB",
        "kvasir.models[1].threads=1",
        "kvasir.api.heartbeat-interval=200ms"})
@Import(TestTenancy.class)
public abstract class GatewayTestBase {

    /** The served name of stories260K. */
    public static final String STORIES = "stories260K";
    /** The served name of the embedded default model. */
    public static final String EMBEDDED = "kvasir-tiny-q8_0";

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
        registry.add("kvasir.model-dirs[0]", () -> stories.getParent().toString());
        registry.add("kvasir.model-dirs[1]", () -> embedded.getParent().toString());
        registry.add("kvasir.models[0].file", () -> stories.getFileName().toString());
        registry.add("kvasir.models[1].file", embedded::toString);
    }

    protected ModelEngine engine(String name) {
        return catalog.find(name).orElseThrow();
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }
}
