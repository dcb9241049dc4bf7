package io.kvasir.gateway.api.openai;

import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.engine.ModelEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The legacy completions' {@code logprobs}: parallel lists of token texts, their log-probabilities, the top
 * alternatives as {@code {token: logprob}} maps, and each token's character offset in the choice's text.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompletionLogprobs(List<String> tokens, List<Double> tokenLogprobs, List<Map<String, Double>> topLogprobs,
        List<Integer> textOffset) {

    /**
     * The entries of these tokens.
     *
     * @param textOffset the offset of the first token's text in the choice's text
     */
    public static CompletionLogprobs of(List<TokenOutput> tokens, ModelEngine engine, int textOffset) {
        List<String> texts = new ArrayList<>(tokens.size());
        List<Double> logprobs = new ArrayList<>(tokens.size());
        List<Map<String, Double>> tops = new ArrayList<>(tokens.size());
        List<Integer> offsets = new ArrayList<>(tokens.size());
        int offset = textOffset;
        for (TokenOutput t : tokens) {
            texts.add(ChatLogprobs.text(engine.tokenBytes(t.tokenId())));
            logprobs.add((double) t.logprob());
            Map<String, Double> top = new LinkedHashMap<>();
            if (t.topTokenIds() != null && t.topLogprobs() != null) {
                for (int i = 0; i < t.topTokenIds().length; i++) {
                    top.putIfAbsent(ChatLogprobs.text(engine.tokenBytes(t.topTokenIds()[i])), (double) t.topLogprobs()[i]);
                }
            }
            tops.add(top);
            offsets.add(offset);
            offset += t.text().length();
        }
        return new CompletionLogprobs(texts, logprobs, tops, offsets);
    }
}
