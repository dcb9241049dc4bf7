package io.kvasir.gateway.api.openai;

import io.kvasir.gateway.api.ApiProperties;
import io.kvasir.gateway.api.ApiRequests;
import io.kvasir.gateway.api.generation.ChunkEncoder;
import io.kvasir.gateway.api.generation.CollectedChoice;
import io.kvasir.gateway.api.generation.GenerationPlan;
import io.kvasir.gateway.api.generation.GenerationRunner;
import io.kvasir.gateway.api.json.JsonFields;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.metrics.GatewayMetrics;
import io.kvasir.gateway.tenant.Tenant;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/completions}: generates {@code n} choices per prompt from raw text (special tokens in it are
 * recognised, BOS added as the model asks) or token ids, answering with a {@code text_completion} or a stream of
 * them. Without {@code max_tokens} a choice ends after {@code kvasir.api.completion-default-max-tokens} tokens.
 */
@Component
public class CompletionHandler extends GenerationHandler<CompletionRequest> {

    public CompletionHandler(ModelCatalog catalog, GenerationRunner runner, ApiProperties properties,
            GatewayMetrics metrics, JsonMapper json) {
        super(catalog, runner, properties, metrics, json);
    }

    @Override
    protected CompletionRequest read(JsonFields body) {
        return CompletionRequest.read(body, properties.maxChoices());
    }

    @Override
    protected GenerationPlan plan(CompletionRequest completion, Tenant tenant) {
        ModelEngine engine = ApiRequests.model(catalog, completion.model());
        List<int[]> prompts = completion.prompts().stream().map(p -> switch (p) {
            case CompletionRequest.Prompt.Text(String text) -> engine.tokenize(text, true);
            case CompletionRequest.Prompt.Tokens(int[] ids) -> ids;
        }).toList();
        return GenerationPlan.of(ApiRequests.newId("cmpl"), engine, tenant, prompts, completion.n(),
                completion.sampling(), properties.completionDefaultMaxTokens(), completion.priority(), "prompt");
    }

    @Override
    protected ChunkEncoder encoder(CompletionRequest completion, GenerationPlan plan, long created) {
        return new CompletionChunkEncoder(plan.id(), created, plan.engine(), plan.numChoices(), plan.n(),
                completion.sampling().logprobs(), completion.includeUsage());
    }

    @Override
    protected Object document(CompletionRequest completion, GenerationPlan plan, long created,
            List<CollectedChoice> choices) {
        boolean logprobs = completion.sampling().logprobs();
        UsageTally usage = new UsageTally(plan.n());
        List<Completion.Choice> out = choices.stream().map(c -> {
            usage.add(c.index(), c.result());
            return new Completion.Choice(c.index(), c.text(),
                    logprobs ? CompletionLogprobs.of(c.tokens(), plan.engine(), 0) : null,
                    UsageTally.finishReason(c.result().finishReason()));
        }).toList();
        return new Completion(plan.id(), created, plan.model(), out, usage.usage());
    }
}
