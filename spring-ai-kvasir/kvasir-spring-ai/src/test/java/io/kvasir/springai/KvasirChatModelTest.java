package io.kvasir.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.observation.conventions.AiObservationAttributes;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

/** The model's own work: merging options, mapping messages and responses, observing. */
class KvasirChatModelTest {

    private static final List<KvasirChatChunk> REPLY = List.of(KvasirChatChunk.text("r-1", "served-model", "Hello"),
            KvasirChatChunk.text("r-1", "served-model", " there"),
            new KvasirChatChunk("r-1", "served-model", "", KvasirChatChunk.FINISH_LENGTH, new KvasirUsage(12, 8, 2)));

    private final RecordingBackend backend = new RecordingBackend(REPLY);
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final KvasirChatModel model = KvasirChatModel.builder().backend(backend)
            .defaultOptions(KvasirChatOptions.builder().temperature(0.5).maxTokens(2).build())
            .observationRegistry(observations).build();

    @Test
    void callMergesPromptOptionsOverDefaultsAndFillsTheBackendsModel() {
        model.call(new Prompt("hi", KvasirChatOptions.builder().temperature(0.0).seed(3L).build()));

        KvasirChatOptions sent = backend.requests.getFirst().options();
        assertThat(sent.getTemperature()).isEqualTo(0.0);
        assertThat(sent.getSeed()).isEqualTo(3L);
        assertThat(sent.getMaxTokens()).isEqualTo(2);
        assertThat(sent.getModel()).isEqualTo("backend-model");
    }

    @Test
    void callMapsRolesInOrder() {
        model.call(new Prompt(List.of(new SystemMessage("be brief"), new UserMessage("hi"), new AssistantMessage("hello"),
                new UserMessage("again"))));

        assertThat(backend.requests.getFirst().messages()).containsExactly(new KvasirMessage("system", "be brief"),
                new KvasirMessage("user", "hi"), new KvasirMessage("assistant", "hello"), new KvasirMessage("user", "again"));
    }

    @Test
    void callReturnsTheJoinedTextWithFinishReasonAndUsageIncludingCachedTokens() {
        ChatResponse response = model.call(new Prompt("hi"));

        assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello there");
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("LENGTH");
        assertThat(response.getMetadata().getId()).isEqualTo("r-1");
        assertThat(response.getMetadata().getModel()).isEqualTo("served-model");
        assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(12);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(2);
        assertThat(response.getMetadata().getUsage().getTotalTokens()).isEqualTo(14);
        assertThat(response.getMetadata().getUsage().getCacheReadInputTokens()).isEqualTo(8L);
        assertThat((Integer) response.getMetadata().get(KvasirChatModel.CACHED_PROMPT_TOKENS_KEY)).isEqualTo(8);
    }

    @Test
    void streamEmitsEachChunkAndEndsWithFinishReasonAndUsage() {
        List<ChatResponse> responses = model.stream(new Prompt("hi")).collectList().block();

        assertThat(responses).extracting(r -> r.getResult().getOutput().getText()).containsExactly("Hello", " there", "");
        assertThat(responses.getFirst().getResult().getMetadata().getFinishReason()).isNull();
        assertThat(responses.getLast().getResult().getMetadata().getFinishReason()).isEqualTo("LENGTH");
        assertThat(responses.getLast().getMetadata().getUsage().getCacheReadInputTokens()).isEqualTo(8L);
    }

    @Test
    void callsAndStreamsAreObservedLikeSpringAiModels() {
        model.call(new Prompt("hi"));
        model.stream(new Prompt("hi")).blockLast();

        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(DefaultChatModelObservationConvention.DEFAULT_NAME, 2)
                .hasObservationWithNameEqualTo(DefaultChatModelObservationConvention.DEFAULT_NAME).that()
                .hasBeenStarted().hasBeenStopped()
                .hasLowCardinalityKeyValue(AiObservationAttributes.AI_PROVIDER.value(), KvasirChatModel.PROVIDER)
                .hasLowCardinalityKeyValue(AiObservationAttributes.REQUEST_MODEL.value(), "backend-model")
                .hasLowCardinalityKeyValue(AiObservationAttributes.RESPONSE_MODEL.value(), "served-model")
                .hasHighCardinalityKeyValue(AiObservationAttributes.USAGE_INPUT_TOKENS.value(), "12")
                .hasHighCardinalityKeyValue(AiObservationAttributes.USAGE_CACHE_READ_INPUT_TOKENS.value(), "8")
                .hasHighCardinalityKeyValue(AiObservationAttributes.RESPONSE_FINISH_REASONS.value(), "[\"LENGTH\"]");
    }

    @Test
    void toolMessagesAreRefusedBeforeAnyRequest() {
        ToolResponseMessage tool = ToolResponseMessage.builder()
                .responses(List.of(new ToolResponseMessage.ToolResponse("1", "f", "{}"))).build();

        assertThatThrownBy(() -> model.call(new Prompt(List.of(new UserMessage("hi"), tool))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool messages");
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void aPromptWithoutMessagesIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> model.stream(new Prompt(List.of())).blockLast())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("messages");
        assertThat(backend.requests).isEmpty();
    }

    @Test
    void aStreamThatEndsWithoutItsFinalChunkFails() {
        KvasirChatModel truncated = KvasirChatModel.builder()
                .backend(new RecordingBackend(List.of(KvasirChatChunk.text("r", "m", "Hel")))).build();

        assertThatThrownBy(() -> truncated.call(new Prompt("hi"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without a finish reason");
    }
}
