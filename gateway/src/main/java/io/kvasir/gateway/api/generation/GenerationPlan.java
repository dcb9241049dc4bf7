package io.kvasir.gateway.api.generation;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.api.openai.SamplingOptions;
import io.kvasir.gateway.api.openai.SamplingParamsMapper;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one HTTP generation request asks of an engine, validated: one engine request per choice
 * ({@code prompts × n}), each carrying the tenant's id, weight and prefix group. Building a plan does no work:
 * every check that can refuse the request (sampling ranges, context length, token ids) runs here, before
 * admission and before anything fans out (RELIABILITY.md items 7 to 9).
 *
 * @param id the response id ({@code chatcmpl-...}, {@code cmpl-...}); engine request ids are {@code id-index}
 * @param numPromptTokens prompt tokens per prompt, in prompt order
 * @param requests one engine request per choice, in choice order
 * @param n choices per prompt
 * @param maxTokensTotal the most tokens all choices together may generate (for admission's accounting)
 */
public record GenerationPlan(String id, ModelEngine engine, Tenant tenant, List<Integer> numPromptTokens,
        List<GenerationRequest> requests, int n, long maxTokensTotal) {

    public GenerationPlan {
        numPromptTokens = List.copyOf(numPromptTokens);
        requests = List.copyOf(requests);
    }

    /**
     * Builds the plan.
     *
     * @param promptParam the parameter named when a prompt does not fit ({@code messages} or {@code prompt})
     * @param defaultMaxTokens the limit when the request gives none
     */
    public static GenerationPlan of(String id, ModelEngine engine, Tenant tenant, List<int[]> prompts, int n,
            SamplingOptions sampling, int defaultMaxTokens, int priority, String promptParam) {
        int context = engine.info().contextLength();
        int vocab = engine.info().vocabSize();
        List<Integer> promptLengths = new ArrayList<>(prompts.size());
        List<GenerationRequest> requests = new ArrayList<>(prompts.size() * n);
        long maxTokensTotal = 0;
        for (int p = 0; p < prompts.size(); p++) {
            int[] prompt = prompts.get(p);
            String param = prompts.size() == 1 ? promptParam : promptParam + "[" + p + "]";
            checkPrompt(prompt, param, context, vocab);
            promptLengths.add(prompt.length);
            for (int i = 0; i < n; i++) {
                int index = p * n + i;
                SamplingParams params = SamplingParamsMapper.toParams(sampling, defaultMaxTokens, index);
                int room = context - prompt.length;
                if (params.maxTokens() != SamplingParams.UNLIMITED_TOKENS && params.maxTokens() > room) {
                    throw ApiException.invalidRequest(sampling.maxTokensParam(), "the prompt has " + prompt.length
                            + " tokens and '" + sampling.maxTokensParam() + "' is " + params.maxTokens()
                            + "; together they exceed the model's context of " + context + " tokens (at most "
                            + room + " tokens can be generated).");
                }
                maxTokensTotal += Math.min(params.maxTokens(), room);
                requests.add(new GenerationRequest(id + "-" + index, tenant.id(), tenant.weight(),
                        tenant.effectivePrefixGroup(), prompt, params, priority));
            }
        }
        return new GenerationPlan(id, engine, tenant, promptLengths, requests, n, maxTokensTotal);
    }

    private static void checkPrompt(int[] prompt, String param, int context, int vocab) {
        if (prompt.length == 0) {
            throw ApiException.invalidRequest(param, "the prompt is empty.");
        }
        if (prompt.length >= context) {
            throw ApiException.invalidRequest(param, "the prompt has " + prompt.length
                    + " tokens; the model's context holds " + context + " tokens, prompt and output together.");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw ApiException.invalidRequest(param, "token id " + prompt[i] + " at position " + i
                        + " is outside the model's vocabulary of " + vocab + " tokens.");
            }
        }
    }

    /** Number of choices (engine requests). */
    public int numChoices() {
        return requests.size();
    }

    /** All prompt tokens of the request, each prompt counted once. */
    public int totalPromptTokens() {
        return numPromptTokens.stream().mapToInt(Integer::intValue).sum();
    }

    /** The model's name. */
    public String model() {
        return engine.name();
    }
}
