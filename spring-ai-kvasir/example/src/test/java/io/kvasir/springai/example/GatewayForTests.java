package io.kvasir.springai.example;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.KvasirGatewayApplication;
import io.kvasir.gateway.engine.ModelCatalog;

/**
 * A real Kvasir gateway ({@link KvasirGatewayApplication}, the application {@code ./kvasir serve} runs) in this JVM,
 * started once on first use and shared by every remote-mode test; Spring's shutdown hook closes it with the JVM, as
 * it closes the test contexts.
 *
 * <p>It serves two models from the shared models directory, one worker thread and a small KV cache each:
 * {@value #STORIES} ({@code stories260K.gguf}, the model the embedded tests use) and {@value #TINY}
 * ({@code tiny-gqa-q8_0.gguf}: random weights, a few times slower per token, for streams long enough to cancel).
 * Its store is an in-memory H2 database of its own, whose first start creates the demo tenant with
 * {@link #DEMO_KEY}. It reads the gateway's own {@code application.yml} only, not the example's
 * {@code application.properties} that shares the test class path.
 */
final class GatewayForTests {

    static final String STORIES = "stories260K";
    static final String TINY = "tiny-gqa-q8_0";
    /** The demo tenant's key, given to the first start as {@code KVASIR_DEMO_TENANT_KEY} would be. */
    static final String DEMO_KEY = "kv-SpringAiExampleEndToEndDemoKey0000001";

    private static GatewayForTests shared;

    private final ConfigurableApplicationContext context;

    private GatewayForTests(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** The running gateway, started by the first caller. */
    static synchronized GatewayForTests shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static GatewayForTests start() {
        Path models = SharedFiles.require("models/stories260K.gguf").getParent();
        String store = "kvasir_example_" + UUID.randomUUID().toString().replace('-', '_');
        List<String> args = List.of(
                "--spring.config.location=classpath:/application.yml",
                "--server.port=0",
                "--spring.r2dbc.url=r2dbc:h2:mem:///" + store + "?options=DB_CLOSE_DELAY=-1",
                "--spring.flyway.url=jdbc:h2:mem:" + store + ";DB_CLOSE_DELAY=-1",
                "--kvasir.admin.password-iterations=1000",
                "--kvasir.bootstrap.admin-password=admin-secret-for-the-example-tests",
                "--kvasir.bootstrap.demo-tenant-key=" + DEMO_KEY,
                "--kvasir.server.drain-grace-period=1s",
                "--kvasir.model-dirs[0]=" + models,
                "--kvasir.models[0].file=stories260K.gguf",
                "--kvasir.models[0].threads=1",
                "--kvasir.models[0].kv-cache-memory=8MB",
                "--kvasir.models[1].file=" + TINY + ".gguf",
                "--kvasir.models[1].threads=1",
                "--kvasir.models[1].kv-cache-memory=8MB");
        return new GatewayForTests(new SpringApplicationBuilder(KvasirGatewayApplication.class)
                .web(WebApplicationType.REACTIVE).run(args.toArray(String[]::new)));
    }

    /** Where clients reach it ({@code spring.ai.kvasir.remote.base-url}). */
    String baseUrl() {
        return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
    }

    /** A snapshot of the counters of the engine serving {@code model}. */
    EngineStats engineStats(String model) {
        return context.getBean(ModelCatalog.class).find(model).orElseThrow().stats();
    }
}
