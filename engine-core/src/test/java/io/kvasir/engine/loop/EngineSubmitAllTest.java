package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.InvalidRequestException;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.SharedFiles;

class EngineSubmitAllTest {

    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /**
     * Eight short prompts fit one step's budget together: queued together, the first step prefills all of them, so
     * the first eight tokens delivered are each request's first (separately submitted requests may be admitted a
     * step apart).
     */
    @Test
    void requestsQueuedTogetherStartInTheSameStep() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            for (int round = 0; round < 5; round++) {
                List<String> order = new ArrayList<>();
                List<GenerationRequest> specs = new ArrayList<>();
                List<CollectingListener> listeners = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String id = "together-" + round + "-" + i;
                    specs.add(GenerationRequest.of(id, EngineTest.longPrompt(20 + i), EngineTest.greedy(4)));
                    listeners.add(recording(id, order));
                }
                engine.submitAll(specs, List.<GenerationListener>copyOf(listeners));
                for (CollectingListener listener : listeners) {
                    assertThat(listener.await().numGeneratedTokens()).isEqualTo(4);
                }
                synchronized (order) {
                    assertThat(order.subList(0, 8)).as("round %d", round).doesNotHaveDuplicates();
                }
            }
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    /** A listener that also appends {@code id} to {@code order} for each token. */
    private static CollectingListener recording(String id, List<String> order) {
        return new CollectingListener() {
            @Override
            public synchronized void onToken(TokenOutput token) {
                super.onToken(token);
                synchronized (order) {
                    order.add(id);
                }
            }
        };
    }

    @Test
    void aBatchWithOneBadRequestQueuesNone() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            CollectingListener first = new CollectingListener();
            List<GenerationRequest> duplicateIds = List.of(
                    GenerationRequest.of("same", EngineTest.longPrompt(10), EngineTest.greedy(2)),
                    GenerationRequest.of("same", EngineTest.longPrompt(10), EngineTest.greedy(2)));
            assertThatThrownBy(() -> engine.submitAll(duplicateIds, List.of(first, new CollectingListener())))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("request id same is already in use");
            List<GenerationRequest> tooLong = List.of(
                    GenerationRequest.of("fits", EngineTest.longPrompt(10), EngineTest.greedy(2)),
                    GenerationRequest.of("too-long", EngineTest.longPrompt(600), EngineTest.greedy(2)));
            assertThatThrownBy(() -> engine.submitAll(tooLong, List.of(new CollectingListener(), new CollectingListener())))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> engine.submitAll(List.of(tooLong.getFirst()), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 requests but 0 listeners");

            // Nothing was queued: both ids are free and nobody was told of a token.
            assertThat(engine.stats().numWaiting()).isZero();
            CollectingListener again = new CollectingListener();
            engine.submitAll(List.of(GenerationRequest.of("same", EngineTest.longPrompt(10), EngineTest.greedy(2)),
                    GenerationRequest.of("fits", EngineTest.longPrompt(10), EngineTest.greedy(2))),
                    List.of(again, new CollectingListener()));
            assertThat(again.await().numGeneratedTokens()).isEqualTo(2);
            assertThat(first.tokens).isEmpty();
        }
    }
}
