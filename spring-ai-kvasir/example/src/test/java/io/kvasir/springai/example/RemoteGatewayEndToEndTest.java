package io.kvasir.springai.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.kvasir.api.FinishReason;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.springai.KvasirChatModel;
import io.kvasir.springai.KvasirChatOptions;
import io.kvasir.springai.autoconfigure.KvasirChatAutoConfiguration;
import io.kvasir.springai.autoconfigure.KvasirEmbeddedAutoConfiguration;
import io.kvasir.springai.autoconfigure.KvasirRemoteAutoConfiguration;
import io.kvasir.springai.remote.KvasirRemoteException;
import reactor.core.Disposable;

/**
 * Kvasir's Spring AI model in remote mode, auto-configured from properties as an application would, against a real
 * gateway ({@link GatewayForTests}): the same text as embedded mode, a disposed stream cancelled in the gateway's
 * engine, and the gateway's refusals as clear exceptions that are not retried.
 */
class RemoteGatewayEndToEndTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);

    /** The options both modes get, as properties: greedy unless a call says otherwise, short replies. */
    private static final String[] SAME_OPTIONS = {"spring.ai.kvasir.chat.temperature=0",
            "spring.ai.kvasir.chat.max-tokens=40"};

    private final ApplicationContextRunner embedded = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KvasirEmbeddedAutoConfiguration.class,
                    KvasirChatAutoConfiguration.class))
            .withPropertyValues("spring.ai.kvasir.mode=embedded",
                    "spring.ai.kvasir.embedded.model=" + SharedFiles.require("models/stories260K.gguf"),
                    "spring.ai.kvasir.embedded.threads=1", "spring.ai.kvasir.embedded.kv-cache-size=8MB")
            .withPropertyValues(SAME_OPTIONS);

    private final ApplicationContextRunner remote = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KvasirRemoteAutoConfiguration.class,
                    KvasirChatAutoConfiguration.class))
            .withPropertyValues("spring.ai.kvasir.mode=remote",
                    "spring.ai.kvasir.remote.base-url=" + GatewayForTests.shared().baseUrl(),
                    "spring.ai.kvasir.remote.api-key=" + GatewayForTests.DEMO_KEY,
                    "spring.ai.kvasir.remote.retry.initial-backoff=10ms",
                    "spring.ai.kvasir.chat.model=" + GatewayForTests.STORIES)
            .withPropertyValues(SAME_OPTIONS);

    private static <T> T withModel(ApplicationContextRunner runner, Function<KvasirChatModel, T> use) {
        Object[] result = new Object[1];
        runner.run(context -> result[0] = use.apply(context.getBean(KvasirChatModel.class)));
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    private static String text(ChatResponse response) {
        return response.getResult() == null ? "" : response.getResult().getOutput().getText();
    }

    private static Prompt story(KvasirChatOptions options) {
        return new Prompt(List.of(new SystemMessage("You tell short stories."), new UserMessage("Once upon a time")),
                options);
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {0, 42})
    void remoteRepliesEqualEmbeddedOnesForTheSamePromptAndOptions(long seed) {
        // seed 0: greedy, as the properties say; otherwise sampled at temperature 1 from that seed
        KvasirChatOptions options = seed == 0 ? KvasirChatOptions.builder().build()
                : KvasirChatOptions.builder().temperature(1.0).seed(seed).build();
        ChatResponse inProcess = withModel(embedded, model -> model.call(story(options)));
        ChatResponse overHttp = withModel(remote, model -> model.call(story(options)));
        String streamed = withModel(remote, model -> String.join("",
                model.stream(story(options)).map(RemoteGatewayEndToEndTest::text).collectList().block(AWAIT)));

        assertThat(text(inProcess)).isNotBlank();
        assertThat(text(overHttp)).isEqualTo(text(inProcess));
        assertThat(streamed).isEqualTo(text(inProcess));
        assertThat(overHttp.getResult().getMetadata().getFinishReason())
                .isEqualTo(inProcess.getResult().getMetadata().getFinishReason());
        assertThat(overHttp.getMetadata().getUsage().getPromptTokens())
                .isEqualTo(inProcess.getMetadata().getUsage().getPromptTokens());
        assertThat(overHttp.getMetadata().getUsage().getCompletionTokens())
                .isEqualTo(inProcess.getMetadata().getUsage().getCompletionTokens());
    }

    @Test
    void disposingAStreamCancelsTheRequestInTheGatewaysEngine() {
        GatewayForTests gateway = GatewayForTests.shared();
        EngineStats before = gateway.engineStats(GatewayForTests.TINY);
        int maxTokens = 400;
        // random weights and ignore_eos: a stream of maxTokens tokens, far longer than the first chunk awaited
        KvasirChatOptions longStream = KvasirChatOptions.builder().model(GatewayForTests.TINY).maxTokens(maxTokens)
                .ignoreEos(true).build();
        List<ChatResponse> received = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        withModel(remote, model -> {
            Disposable subscription = model.stream(new Prompt("Once upon a time", longStream))
                    .subscribe(received::add, failure::set);
            await().atMost(AWAIT).until(() -> !received.isEmpty() || failure.get() != null);
            subscription.dispose();
            return null;
        });
        assertThat(failure.get()).isNull();

        await().atMost(AWAIT).untilAsserted(() -> {
            EngineStats after = gateway.engineStats(GatewayForTests.TINY);
            assertThat(after.finished(FinishReason.CANCELLED)).isEqualTo(before.finished(FinishReason.CANCELLED) + 1);
            assertThat(after.numRunning() + after.numWaiting()).isZero();
            assertThat(after.numBlocksHeldByRequests()).isZero();
        });
        EngineStats after = gateway.engineStats(GatewayForTests.TINY);
        assertThat(after.finished(FinishReason.LENGTH)).isEqualTo(before.finished(FinishReason.LENGTH));
        assertThat(after.numTokensGenerated() - before.numTokensGenerated()).isLessThan(maxTokens);
    }

    /** Two failures from 127.0.0.1: within the gateway's free attempts (3), so its failure throttle slows nobody. */
    @Test
    void aWrongApiKeyFailsAtOnceWithTheGatewaysReasonAndIsNotRetried() {
        remote.withPropertyValues("spring.ai.kvasir.remote.api-key=kv-NotAKeyThisGatewayEverIssued00000000")
                .run(context -> {
                    KvasirChatModel model = context.getBean(KvasirChatModel.class);
                    KvasirRemoteException called = catchThrowableOfType(KvasirRemoteException.class,
                            () -> model.call(new Prompt("Hello")));
                    KvasirRemoteException streamed = catchThrowableOfType(KvasirRemoteException.class,
                            () -> model.stream(new Prompt("Hello")).blockLast(AWAIT));

                    for (KvasirRemoteException refused : List.of(called, streamed)) {
                        assertThat(refused.status()).isEqualTo(401);
                        assertThat(refused.code()).isEqualTo("invalid_api_key");
                        assertThat(refused).hasMessageContaining("401").hasMessageContaining("Incorrect API key");
                    }
                    Retry.Metrics retries = context.getBean(KvasirRemoteAutoConfiguration.RETRY_BEAN, Retry.class)
                            .getMetrics();
                    assertThat(retries.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(2);
                    assertThat(retries.getNumberOfFailedCallsWithRetryAttempt()).isZero();
                    // the caller's fault, not the gateway's: the circuit breaker counts both as successes
                    CircuitBreaker.Metrics breaker = context.getBean(
                            KvasirRemoteAutoConfiguration.CIRCUIT_BREAKER_BEAN, CircuitBreaker.class).getMetrics();
                    assertThat(breaker.getNumberOfFailedCalls()).isZero();
                    assertThat(breaker.getNumberOfSuccessfulCalls()).isEqualTo(2);
                });
    }

    @Test
    void anUnknownModelFailsWithModelNotFound() {
        remote.run(context -> {
            KvasirChatModel model = context.getBean(KvasirChatModel.class);
            KvasirRemoteException refused = catchThrowableOfType(KvasirRemoteException.class, () -> model.call(
                    new Prompt("Hello", KvasirChatOptions.builder().model("no-such-model").build())));

            assertThat(refused.status()).isEqualTo(404);
            assertThat(refused.code()).isEqualTo("model_not_found");
            assertThat(refused.param()).isEqualTo("model");
            assertThat(refused).hasMessageContaining("'no-such-model' does not exist");
            Retry.Metrics retries = context.getBean(KvasirRemoteAutoConfiguration.RETRY_BEAN, Retry.class).getMetrics();
            assertThat(retries.getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
            assertThat(retries.getNumberOfFailedCallsWithRetryAttempt()).isZero();
        });
    }
}
