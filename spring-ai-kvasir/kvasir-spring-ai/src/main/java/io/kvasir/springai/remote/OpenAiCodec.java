package io.kvasir.springai.remote;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirChatOptions;
import io.kvasir.springai.KvasirChatRequest;
import io.kvasir.springai.KvasirUsage;
import io.kvasir.springai.remote.OpenAiWire.ChatCompletion;
import io.kvasir.springai.remote.OpenAiWire.ChatCompletionRequest;
import io.kvasir.springai.remote.OpenAiWire.Choice;
import io.kvasir.springai.remote.OpenAiWire.ErrorBody;
import io.kvasir.springai.remote.OpenAiWire.ErrorEnvelope;
import io.kvasir.springai.remote.OpenAiWire.Message;
import io.kvasir.springai.remote.OpenAiWire.StreamOptions;
import io.kvasir.springai.remote.OpenAiWire.Usage;
import tools.jackson.core.JacksonException;

/** Turns Kvasir requests into OpenAI JSON and the gateway's JSON back into chunks and errors. */
final class OpenAiCodec {

    private OpenAiCodec() {
    }

    /**
     * The request body.
     *
     * @throws IllegalArgumentException when the request names no model
     */
    static String requestJson(KvasirChatRequest request, boolean stream) {
        KvasirChatOptions o = request.options();
        if (o.getModel() == null || o.getModel().isBlank()) {
            throw new IllegalArgumentException("model: a remote request must name the gateway's model "
                    + "(set spring.ai.kvasir.chat.model or the model option of the call)");
        }
        List<Message> messages = request.messages().stream().map(m -> new Message(m.role(), m.content())).toList();
        ChatCompletionRequest body = new ChatCompletionRequest(o.getModel(), messages, stream,
                stream ? new StreamOptions(true) : null, o.getMaxTokens(), o.getTemperature(), o.getTopP(), o.getTopK(),
                o.getMinP(), o.getSeed(), o.getStopSequences(), o.getPresencePenalty(), o.getFrequencyPenalty(),
                o.getRepetitionPenalty(), o.getPriority(), o.getIgnoreEos());
        return OpenAiWire.MAPPER.writeValueAsString(body);
    }

    /** A parsed response body or stream event; an error event becomes a {@link KvasirRemoteException}. */
    static ChatCompletion parse(String json) {
        ChatCompletion completion;
        try {
            completion = OpenAiWire.MAPPER.readValue(json, ChatCompletion.class);
        } catch (JacksonException e) {
            throw new IllegalStateException("the Kvasir gateway sent JSON that is not a chat completion: "
                    + e.getOriginalMessage(), e);
        }
        if (completion.error() != null) {
            throw error(200, completion.error(), null);
        }
        return completion;
    }

    /** The first choice, or null when the chunk has none (the usage chunk of a stream). */
    static @Nullable Choice firstChoice(ChatCompletion completion) {
        List<Choice> choices = completion.choices();
        return choices == null || choices.isEmpty() ? null : choices.getFirst();
    }

    /** A non-streamed completion as one final chunk. */
    static KvasirChatChunk completion(String json, String requestedModel) {
        ChatCompletion completion = parse(json);
        Choice choice = firstChoice(completion);
        if (choice == null || choice.finishReason() == null || completion.usage() == null) {
            throw new IllegalStateException("the Kvasir gateway's completion lacks a choice, a finish reason or usage: "
                    + json);
        }
        String text = choice.message() == null || choice.message().content() == null ? "" : choice.message().content();
        return new KvasirChatChunk(idOf(completion), modelOf(completion, requestedModel), text,
                finishReason(choice.finishReason()), usage(completion.usage()));
    }

    static String idOf(ChatCompletion completion) {
        return completion.id() == null ? "" : completion.id();
    }

    static String modelOf(ChatCompletion completion, String requestedModel) {
        return completion.model() == null ? requestedModel : completion.model();
    }

    /** OpenAI's {@code stop} and {@code length} as {@link KvasirChatChunk#FINISH_STOP} and {@code FINISH_LENGTH}. */
    static String finishReason(String wire) {
        return wire.toUpperCase(Locale.ROOT);
    }

    static KvasirUsage usage(Usage usage) {
        Integer cached = usage.promptTokensDetails() == null ? null : usage.promptTokensDetails().cachedTokens();
        return new KvasirUsage(usage.promptTokens(), cached == null ? 0 : cached, usage.completionTokens());
    }

    /** The exception for an error status and its body (an OpenAI error, or anything else the server sent). */
    static KvasirRemoteException errorResponse(int status, String body, @Nullable String retryAfterHeader) {
        ErrorBody error = null;
        try {
            ErrorEnvelope envelope = OpenAiWire.MAPPER.readValue(body, ErrorEnvelope.class);
            error = envelope == null ? null : envelope.error();
        } catch (JacksonException notJson) {
            // Not an OpenAI error (a proxy's page, an empty body): keep the raw text below.
        }
        if (error == null) {
            String text = body.isBlank() ? "(no body)" : body.length() > 500 ? body.substring(0, 500) + "..." : body;
            error = new ErrorBody(text, null, null, null);
        }
        return error(status, error, retryAfter(retryAfterHeader));
    }

    private static KvasirRemoteException error(int status, ErrorBody error, @Nullable Duration retryAfter) {
        return new KvasirRemoteException(status, error.message() == null ? "(no message)" : error.message(),
                error.type(), error.param(), error.code(), retryAfter);
    }

    /** {@code Retry-After} in seconds; HTTP dates and garbage count as absent. */
    static @Nullable Duration retryAfter(@Nullable String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
