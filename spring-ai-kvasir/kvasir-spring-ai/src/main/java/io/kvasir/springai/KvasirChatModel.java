package io.kvasir.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;

/**
 * Kvasir as a Spring AI {@link ChatModel}: an embedded engine or a remote Kvasir gateway, whichever
 * {@link KvasirChatBackend} it is built with.
 *
 * <p>Each call merges the prompt's options over this model's defaults
 * ({@code defaults.mutate().combineWith(runtime.mutate())}, as Spring AI's {@code ChatClient} does), so a
 * prompt that sets only {@code temperature} keeps the default {@code maxTokens}. Responses carry the id,
 * the model, the finish reason ({@code STOP} or {@code LENGTH}) and the usage, with the prompt tokens served
 * from the prefix cache as {@link org.springframework.ai.chat.metadata.Usage#getCacheReadInputTokens()} and
 * under the metadata key {@value #CACHED_PROMPT_TOKENS_KEY}. Every call and stream is a Micrometer
 * observation ({@code gen_ai.client.operation}, provider {@value #PROVIDER}) like Spring AI's own models.
 *
 * <p>Tool calling and media are not supported: tool messages and media fail the call with an
 * {@link IllegalArgumentException}.
 *
 * <p>Disposing a stream's subscription cancels the request in the engine or closes the HTTP connection.
 */
public final class KvasirChatModel implements ChatModel {

    /** The provider name in observations. */
    public static final String PROVIDER = "kvasir";
    /** Response metadata key of the prompt tokens served from the prefix cache. */
    public static final String CACHED_PROMPT_TOKENS_KEY = "cached-prompt-tokens";

    private static final ChatModelObservationConvention DEFAULT_OBSERVATION_CONVENTION =
            new DefaultChatModelObservationConvention();

    private final KvasirChatBackend backend;
    private final KvasirChatOptions defaultOptions;
    private final ObservationRegistry observationRegistry;
    private final ChatModelObservationConvention observationConvention;

    private KvasirChatModel(Builder builder) {
        this.backend = Objects.requireNonNull(builder.backend, "backend");
        this.defaultOptions = builder.defaultOptions;
        this.observationRegistry = builder.observationRegistry;
        this.observationConvention = builder.observationConvention;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default options (before a prompt's own are merged in). */
    @Override
    public KvasirChatOptions getOptions() {
        return defaultOptions;
    }

    public KvasirChatBackend getBackend() {
        return backend;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Prompt requestPrompt = withMergedOptions(prompt);
        KvasirChatRequest request = toRequest(requestPrompt);
        ChatModelObservationContext context = ChatModelObservationContext.builder().prompt(requestPrompt)
                .provider(PROVIDER).build();
        ChatResponse response = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
                .observation(observationConvention, DEFAULT_OBSERVATION_CONVENTION, () -> context, observationRegistry)
                .observe(() -> {
                    KvasirChatChunk whole = backend.complete(request).block();
                    ChatResponse chatResponse = toChatResponse(Objects.requireNonNull(whole, "no response"));
                    context.setResponse(chatResponse);
                    return chatResponse;
                });
        return Objects.requireNonNull(response);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.deferContextual(contextView -> {
            Prompt requestPrompt = withMergedOptions(prompt);
            KvasirChatRequest request = toRequest(requestPrompt);
            ChatModelObservationContext context = ChatModelObservationContext.builder().prompt(requestPrompt)
                    .provider(PROVIDER).streaming(true).build();
            Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(
                    observationConvention, DEFAULT_OBSERVATION_CONVENTION, () -> context, observationRegistry);
            Observation parent = contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            observation.parentObservation(parent);
            try (Observation.Scope ignored = parent != null ? parent.openScope() : Observation.Scope.NOOP) {
                observation.start();
            }
            ChunkJoiner joiner = new ChunkJoiner();
            return backend.stream(request)
                    .doOnNext(chunk -> {
                        joiner.add(chunk);
                        if (chunk.isFinal()) {
                            context.setResponse(toChatResponse(joiner.result()));
                        }
                    })
                    .map(KvasirChatModel::toChatResponse)
                    .doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(ctx -> ctx.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }

    /**
     * The prompt with its options merged over the defaults (the defaults alone when it has none), and the
     * backend's default model where neither names one.
     */
    Prompt withMergedOptions(Prompt prompt) {
        KvasirChatOptions merged = prompt.getOptions() == null ? defaultOptions
                : defaultOptions.mutate().combineWith(prompt.getOptions().mutate()).build();
        String defaultModel = backend.defaultModel();
        if (merged.getModel() == null && defaultModel != null) {
            merged = merged.mutate().model(defaultModel).build();
        }
        return prompt.mutate().chatOptions(merged).build();
    }

    private static KvasirChatRequest toRequest(Prompt prompt) {
        List<KvasirMessage> messages = new ArrayList<>(prompt.getInstructions().size());
        for (Message message : prompt.getInstructions()) {
            messages.add(toKvasirMessage(message));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages: the prompt has no messages");
        }
        return new KvasirChatRequest(messages, (KvasirChatOptions) Objects.requireNonNull(prompt.getOptions()));
    }

    private static KvasirMessage toKvasirMessage(Message message) {
        String role = switch (message.getMessageType()) {
            case SYSTEM -> "system";
            case USER -> "user";
            case ASSISTANT -> "assistant";
            case TOOL -> throw new IllegalArgumentException("messages: Kvasir does not support tool messages");
        };
        if (message instanceof UserMessage user && !user.getMedia().isEmpty()) {
            throw new IllegalArgumentException("messages: Kvasir does not support media in messages");
        }
        if (message instanceof AssistantMessage assistant && assistant.hasToolCalls()) {
            throw new IllegalArgumentException("messages: Kvasir does not support tool calls");
        }
        String text = message.getText();
        return new KvasirMessage(role, text == null ? "" : text);
    }

    /** A chunk as Spring AI's response: one generation, with finish reason and usage on the final chunk. */
    static ChatResponse toChatResponse(KvasirChatChunk chunk) {
        AssistantMessage output = AssistantMessage.builder().content(chunk.text()).build();
        ChatGenerationMetadata generationMetadata = chunk.finishReason() == null ? ChatGenerationMetadata.NULL
                : ChatGenerationMetadata.builder().finishReason(chunk.finishReason()).build();
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().id(chunk.id()).model(chunk.model());
        KvasirUsage usage = chunk.usage();
        if (usage != null) {
            metadata.usage(new DefaultUsage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), usage,
                    (long) usage.cachedPromptTokens(), null));
            metadata.keyValue(CACHED_PROMPT_TOKENS_KEY, usage.cachedPromptTokens());
        }
        return new ChatResponse(List.of(new Generation(output, generationMetadata)), metadata.build());
    }

    /** Builds a {@link KvasirChatModel}; only the backend is required. */
    public static final class Builder {

        private @Nullable KvasirChatBackend backend;
        private KvasirChatOptions defaultOptions = KvasirChatOptions.builder().build();
        private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
        private ChatModelObservationConvention observationConvention = DEFAULT_OBSERVATION_CONVENTION;

        private Builder() {
        }

        /** Where requests are served (required). */
        public Builder backend(KvasirChatBackend backend) {
            this.backend = backend;
            return this;
        }

        /** The options every request starts from (default: none set, so the engine's defaults apply). */
        public Builder defaultOptions(KvasirChatOptions defaultOptions) {
            this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions");
            return this;
        }

        /** Where calls are observed (default: {@link ObservationRegistry#NOOP}). */
        public Builder observationRegistry(ObservationRegistry observationRegistry) {
            this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
            return this;
        }

        /** A convention replacing Spring AI's default names and key values. */
        public Builder observationConvention(ChatModelObservationConvention observationConvention) {
            this.observationConvention = Objects.requireNonNull(observationConvention, "observationConvention");
            return this;
        }

        public KvasirChatModel build() {
            if (backend == null) {
                throw new IllegalStateException("a KvasirChatModel needs a backend");
            }
            return new KvasirChatModel(this);
        }
    }
}
