package io.kvasir.springai.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.InvalidRequestException;
import io.kvasir.api.SamplingParams;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.springai.KvasirChatModel;
import io.kvasir.springai.KvasirChatOptions;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/** The chat model over an in-process engine serving stories260K. */
class EmbeddedChatModelTest {

    private static final String SYSTEM = "You tell short stories.";
    private static final String USER = "Once upon a time";
    private static final Duration IDLE_WAIT = Duration.ofSeconds(30);

    private static KvasirEmbeddedEngine engine;
    private static KvasirChatModel model;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = KvasirEmbeddedEngine.start(SharedFiles.require("models/stories260K.gguf"),
                EngineConfig.defaults().withNumThreads(1).withKvCacheBytes(16L << 20), PluginRegistry.load());
        model = KvasirChatModel.builder().backend(new EmbeddedChatBackend(engine))
                .defaultOptions(KvasirChatOptions.builder().temperature(0.0).maxTokens(40).build()).build();
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Prompt story(KvasirChatOptions options) {
        return new Prompt(List.of(new SystemMessage(SYSTEM), new UserMessage(USER)), options);
    }

    @Test
    void greedyOutputEqualsTheEnginesDirectOutputForTheSamePrompt() throws Exception {
        int[] promptTokens = engine.model().encodeChat(List.of(ChatMessage.system(SYSTEM), ChatMessage.user(USER)));
        CollectingListener direct = generateDirectly(promptTokens, SamplingParams.builder().temperature(0).maxTokens(40).build());
        GenerationResult directResult = direct.await();

        ChatResponse response = model.call(story(KvasirChatOptions.builder().build()));

        assertThat(direct.text.toString()).isNotBlank();
        assertThat(response.getResult().getOutput().getText()).isEqualTo(direct.text.toString());
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo(directResult.finishReason().name());
        assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(promptTokens.length);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(directResult.numGeneratedTokens());
        assertThat(response.getMetadata().getModel()).isEqualTo("stories260K");
    }

    @Test
    void theStreamCarriesTheSameTextAsTheCallAndEndsWithUsage() {
        KvasirChatOptions options = KvasirChatOptions.builder().maxTokens(30).build();
        String called = model.call(story(options)).getResult().getOutput().getText();

        List<ChatResponse> chunks = model.stream(story(options)).collectList().block();

        StringBuilder streamed = new StringBuilder();
        chunks.forEach(c -> streamed.append(c.getResult().getOutput().getText()));
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(streamed.toString()).isEqualTo(called);
        assertThat(chunks.getLast().getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
        assertThat(chunks.getLast().getMetadata().getUsage().getCompletionTokens()).isPositive();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.getMetadata().getUsage().getPromptTokens()).isZero());
    }

    @Test
    void theSameSeedGivesTheSameSampledText() {
        KvasirChatOptions sampled = KvasirChatOptions.builder().temperature(1.0).seed(42L).maxTokens(30).build();

        String first = model.call(story(sampled)).getResult().getOutput().getText();
        String second = model.call(story(sampled)).getResult().getOutput().getText();

        assertThat(first).isEqualTo(second);
    }

    @Test
    void aRepeatedConversationIsServedFromThePrefixCache() {
        Prompt prompt = new Prompt(List.of(new UserMessage("A cat named Tom lived in a small red house by the river.")));

        ChatResponse first = model.call(prompt);
        ChatResponse second = model.call(prompt);

        int blockSize = engine.engine().config().blockSize();
        assertThat(first.getMetadata().getUsage().getCacheReadInputTokens()).isZero();
        assertThat(second.getMetadata().getUsage().getCacheReadInputTokens()).isPositive()
                .matches(cached -> cached % blockSize == 0, "whole blocks");
    }

    @Test
    void disposingTheStreamCancelsTheEngineRequestBeforeItCouldFinish() throws Exception {
        // Deliver on the engine's loop thread, and hold it in the first chunk until the subscription is
        // disposed: the request cannot have finished, so the engine must end it as cancelled.
        KvasirChatModel onLoopThread = KvasirChatModel.builder()
                .backend(new EmbeddedChatBackend(engine, GenerationRequest.DEFAULT_TENANT, Schedulers.immediate()))
                .build();
        long cancelledBefore = engine.engine().stats().finished(FinishReason.CANCELLED);
        CountDownLatch firstChunk = new CountDownLatch(1);
        CountDownLatch disposed = new CountDownLatch(1);
        List<ChatResponse> received = new ArrayList<>();

        Disposable subscription = onLoopThread.stream(story(longGeneration())).subscribe(chunk -> {
            received.add(chunk);
            firstChunk.countDown();
            awaitQuietly(disposed);
        });
        assertThat(firstChunk.await(30, TimeUnit.SECONDS)).isTrue();
        subscription.dispose();
        disposed.countDown();

        await().atMost(IDLE_WAIT).until(() -> engine.engine().stats().finished(FinishReason.CANCELLED) == cancelledBefore + 1);
        assertIdle(engine.engine().stats());
        assertThat(received).hasSize(1);
    }

    @Test
    void disposingAStreamMidwayReturnsTheEngineToItsBaseline() {
        List<ChatResponse> firstThree = model.stream(story(longGeneration())).take(3).collectList().block();

        assertThat(firstThree).hasSize(3);
        await().atMost(IDLE_WAIT).until(() -> engine.engine().stats().numRunning() == 0);
        assertIdle(engine.engine().stats());
    }

    @Test
    void aStreamWhoseEngineShutsDownEndsWithAnError() throws Exception {
        try (KvasirEmbeddedEngine own = KvasirEmbeddedEngine.start(engine.model().path(),
                EngineConfig.defaults().withNumThreads(1).withKvCacheBytes(16L << 20), PluginRegistry.load())) {
            KvasirChatModel onLoopThread = KvasirChatModel.builder()
                    .backend(new EmbeddedChatBackend(own, GenerationRequest.DEFAULT_TENANT, Schedulers.immediate())).build();
            CountDownLatch firstChunk = new CountDownLatch(1);
            CountDownLatch closing = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            onLoopThread.stream(story(longGeneration())).subscribe(chunk -> {
                firstChunk.countDown();
                awaitQuietly(closing);
            }, failure::set);
            assertThat(firstChunk.await(30, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> close = CompletableFuture.runAsync(own::close);
            await().atMost(IDLE_WAIT).until(() -> !own.engine().isHealthy());
            closing.countDown();
            close.get(30, TimeUnit.SECONDS);

            assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("as CANCELLED");
        }
    }

    @Test
    void aPromptPlusMaxTokensBeyondTheContextIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> model.call(story(KvasirChatOptions.builder().maxTokens(100_000).build())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_tokens");
        assertIdle(engine.engine().stats());
    }

    @Test
    void textThatIsNotValidUnicodeIsRefusedNamingTheMessage() {
        assertThatThrownBy(() -> model.call(new Prompt(List.of(new UserMessage("broken \uDC00 text")))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("messages[0].content");
        assertIdle(engine.engine().stats());
    }

    @Test
    void samplingValuesOutOfRangeAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> model.call(story(KvasirChatOptions.builder().temperature(Double.NaN).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("temperature");
        assertThatThrownBy(() -> model.stream(story(KvasirChatOptions.builder().topP(2.0).build())).blockLast())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("top_p");
    }

    @Test
    void anotherModelNameIsRefused() {
        assertThatThrownBy(() -> model.call(story(KvasirChatOptions.builder().model("llama-70b").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stories260K");
    }

    /** Generation that runs to its limit: the story prompt (83 tokens) plus 40 fits stories260K's 128-token context. */
    private static KvasirChatOptions longGeneration() {
        return KvasirChatOptions.builder().ignoreEos(true).maxTokens(40).build();
    }

    private static void assertIdle(EngineStats stats) {
        assertThat(stats.numRunning()).isZero();
        assertThat(stats.numWaiting()).isZero();
        assertThat(stats.numBlocksHeldByRequests()).isZero();
        assertThat(stats.healthy()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CollectingListener generateDirectly(int[] promptTokens, SamplingParams sampling) throws Exception {
        CollectingListener direct = new CollectingListener();
        engine.engine().submit(GenerationRequest.of("direct-" + System.nanoTime(), promptTokens, sampling), direct);
        direct.await();
        return direct;
    }
}
