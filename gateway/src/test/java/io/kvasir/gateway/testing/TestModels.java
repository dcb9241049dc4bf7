package io.kvasir.gateway.testing;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.api.ForcedDecoding;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.gateway.engine.EngineLauncher;
import io.kvasir.gateway.engine.InProcessModelEngine;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.engine.ModelProperties;
import io.kvasir.gateway.engine.SharedModels;
import io.kvasir.gateway.profile.ModelProfile;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Test scope only: extra models in the shared test context, each serving one purpose.
 * <ul>
 *   <li>{@code probe}: the embedded model prefilling two tokens per step, recording the engine's step count when the gateway cancels a request;</li>
 *   <li>{@code scripted}: the embedded model's tokenizer, with generation streams the test scripts (delays,
 *       failures before and after the first token, odd token texts);</li>
 *   <li>{@code forced}: a real stories260K engine, generating the token ids the test forces (teacher forcing),
 *       for bytes that are not valid UTF-8 on their own.</li>
 * </ul>
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestModels {

    @Bean
    ProbedEngine probedEngine(ModelCatalog catalog) {
        ProbedEngine probe = new ProbedEngine(catalog.find(GatewayTestBase.SLOW_PREFILL).orElseThrow());
        catalog.add(probe);
        return probe;
    }

    @Bean
    ScriptedEngine scriptedEngine(ModelCatalog catalog) {
        ScriptedEngine scripted = new ScriptedEngine(catalog.find(GatewayTestBase.EMBEDDED).orElseThrow());
        catalog.add(scripted);
        return scripted;
    }

    @Bean
    ForcedEngine forcedEngine(ModelCatalog catalog, ModelProperties properties, PluginRegistry plugins) {
        // an engine instance of its own: a forced generation needs the engine itself, which deployments keep inside
        ModelProfile stories = catalog.deployment(GatewayTestBase.STORIES).orElseThrow().profile();
        EngineLauncher launcher = new EngineLauncher(ModelPathPolicy.of(properties.modelDirs()), plugins, new SharedModels());
        ForcedEngine forced = new ForcedEngine(launcher.launch(GatewayTestBase.STORIES, stories));
        catalog.add(forced);
        return forced;
    }

    /** Records the engine's step count at the moment the gateway cancels a generation. */
    public static final class ProbedEngine extends DelegatingEngine {

        private final AtomicLong stepsAtCancel = new AtomicLong(-1);

        ProbedEngine(ModelEngine delegate) {
            super("probe", delegate);
        }

        @Override
        public Flux<GenerationEvent> generate(GenerationRequest request) {
            return delegate.generate(request).doOnCancel(() -> stepsAtCancel.set(delegate.stats().numSteps()));
        }

        /** The step count when the last cancellation reached the engine, or -1. */
        public long stepsAtCancel() {
            return stepsAtCancel.get();
        }

        public void reset() {
            stepsAtCancel.set(-1);
        }
    }

    /** Serves whatever stream the test scripted for the next request. */
    public static final class ScriptedEngine extends DelegatingEngine {

        private final AtomicReference<Function<GenerationRequest, Flux<GenerationEvent>>> script = new AtomicReference<>();

        ScriptedEngine(ModelEngine delegate) {
            super("scripted", delegate);
        }

        /** The stream every following request gets. */
        public void script(Function<GenerationRequest, Flux<GenerationEvent>> next) {
            script.set(next);
        }

        @Override
        public Flux<GenerationEvent> generate(GenerationRequest request) {
            return Flux.defer(() -> script.get().apply(request));
        }

        /** A token event with this text. */
        public static GenerationEvent token(int id, String text) {
            return new GenerationEvent.Token(new TokenOutput(id, text, Float.NaN, null, null));
        }

        /** A finished event ({@code stop}) for this request. */
        public static GenerationEvent finished(GenerationRequest request, int generated) {
            return new GenerationEvent.Finished(new GenerationResult(request.requestId(), io.kvasir.api.FinishReason.STOP,
                    request.numPromptTokens(), 0, generated, 1, 1, 0, null));
        }
    }

    /** A real stories260K engine of its own, made to generate exactly the forced token ids. */
    public static final class ForcedEngine extends DelegatingEngine {

        private final InProcessModelEngine engine;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile int[] forced = new int[0];

        ForcedEngine(InProcessModelEngine engine) {
            super("forced", engine);
            this.engine = engine;
        }

        /** Closes the engine it owns (once: the catalog and the context both close it). */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                engine.close();
            }
        }

        /** The ids every following request generates, in order (then generation runs into max_tokens). */
        public void force(int... ids) {
            forced = ids.clone();
        }

        @Override
        public Flux<GenerationEvent> generate(GenerationRequest request) {
            int[] ids = forced;
            return Flux.create(sink -> {
                sink.next(new GenerationEvent.Queued(request.requestId()));
                var handle = engine.engine().submit(request, new ForcedListener(sink, ids));
                sink.onCancel(handle::cancel);
            }, FluxSink.OverflowStrategy.BUFFER);
        }

        private record ForcedListener(FluxSink<GenerationEvent> sink, int[] ids) implements ForcedDecoding {

            @Override
            public int nextToken(float[] logits, int offset, int vocabSize, int numGeneratedTokens) {
                return ids[numGeneratedTokens % ids.length];
            }

            @Override
            public void onToken(TokenOutput token) {
                sink.next(new GenerationEvent.Token(token));
            }

            @Override
            public void onComplete(GenerationResult result) {
                sink.next(new GenerationEvent.Finished(result));
                sink.complete();
            }

            @Override
            public void onError(Throwable error) {
                sink.error(error);
            }
        }
    }
}
