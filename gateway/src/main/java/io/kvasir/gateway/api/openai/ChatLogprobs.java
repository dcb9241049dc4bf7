package io.kvasir.gateway.api.openai;

import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.engine.ModelEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Chat completions' {@code logprobs}: per generated token its text, log-probability, UTF-8 bytes (a token may
 * hold part of a character) and the most likely alternatives.
 */
public record ChatLogprobs(List<TokenLogprob> content) {

    /** One token's entry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TokenLogprob(String token, double logprob, List<Integer> bytes, List<TopLogprob> topLogprobs) {
    }

    /** One alternative. */
    public record TopLogprob(String token, double logprob, List<Integer> bytes) {
    }

    /** The entries of these tokens. */
    public static ChatLogprobs of(List<TokenOutput> tokens, ModelEngine engine) {
        List<TokenLogprob> content = new ArrayList<>(tokens.size());
        for (TokenOutput t : tokens) {
            List<TopLogprob> top = new ArrayList<>();
            if (t.topTokenIds() != null && t.topLogprobs() != null) {
                for (int i = 0; i < t.topTokenIds().length; i++) {
                    byte[] bytes = engine.tokenBytes(t.topTokenIds()[i]);
                    top.add(new TopLogprob(text(bytes), t.topLogprobs()[i], unsigned(bytes)));
                }
            }
            byte[] bytes = engine.tokenBytes(t.tokenId());
            content.add(new TokenLogprob(text(bytes), t.logprob(), unsigned(bytes), top));
        }
        return new ChatLogprobs(content);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<Integer> unsigned(byte[] bytes) {
        List<Integer> values = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            values.add(b & 0xFF);
        }
        return values;
    }
}
