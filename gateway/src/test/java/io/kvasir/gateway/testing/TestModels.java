package io.kvasir.gateway.testing;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.api.ForcedDecoding;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.engine.InProcessModelEngine;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
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
 *   <li>{@code forced}: the real stories260K engine, generating the token ids the test forces (teacher forcing),
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
    ForcedEngine forcedEngine(ModelCatalog catalog) {
        ForcedEngine forced = new ForcedEngine(catalog.find(GatewayTestBase.STORIES).orElseThrow());
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

    /** The real stories260K engine, made to generate exactly the forced token ids. */
    public static final class ForcedEngine extends DelegatingEngine {

        private volatile int[] forced = new int[0];

        ForcedEngine(ModelEngine delegate) {
            super("forced", delegate);
        }

        /** The ids every following request generates, in order (then generation runs into max_tokens). */
        public void force(int... ids) {
            forced = ids.clone();
        }

        @Override
        public Flux<GenerationEvent> generate(GenerationRequest request) {
            int[] ids = forced;
            var engine = ((InProcessModelEngine) delegate).engine();
            return Flux.create(sink -> {
                sink.next(new GenerationEvent.Queued(request.requestId()));
                var handle = engine.submit(request, new ForcedListener(sink, ids));
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
