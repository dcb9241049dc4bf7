package io.kvasir.gateway.testing;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.engine.ModelEngine;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** What an engine generates when asked directly, without HTTP: the reference for conformance tests. */
public final class DirectOutput {

    private DirectOutput() {
    }

    /** The text the engine generates for a user message, with the model's chat template. */
    public static String chat(ModelEngine engine, String userMessage, SamplingParams params) {
        return text(engine, engine.chatPrompt(List.of(ChatMessage.user(userMessage))), params);
    }

    /** The text the engine generates for a raw text prompt (BOS as the model asks). */
    public static String completion(ModelEngine engine, String prompt, SamplingParams params) {
        return text(engine, engine.tokenize(prompt, true), params);
    }

    private static String text(ModelEngine engine, int[] prompt, SamplingParams params) {
        GenerationRequest request = new GenerationRequest("direct-" + UUID.randomUUID(), GatewayTestBase.DEMO_TENANT, prompt,
                params, 0);
        StringBuilder text = new StringBuilder();
        engine.generate(request)
                .ofType(GenerationEvent.Token.class)
                .map(GenerationEvent.Token::token)
                .map(TokenOutput::text)
                .doOnNext(text::append)
                .blockLast(Duration.ofSeconds(60));
        return text.toString();
    }
}
