package io.kvasir.gateway.api.openai;

import io.kvasir.api.SamplingParams;
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
 * {@code POST /v1/chat/completions}: applies the model's chat template to {@code messages}, generates
 * {@code n} choices (by default until an end-of-generation token or the end of the context), and answers with a
 * {@code chat.completion} or, with {@code stream: true}, a stream of {@code chat.completion.chunk}s.
 */
@Component
public class ChatCompletionHandler extends GenerationHandler<ChatCompletionRequest> {

    public ChatCompletionHandler(ModelCatalog catalog, GenerationRunner runner, ApiProperties properties,
            GatewayMetrics metrics, JsonMapper json) {
        super(catalog, runner, properties, metrics, json);
    }

    @Override
    protected ChatCompletionRequest read(JsonFields body) {
        return ChatCompletionRequest.read(body, properties.maxChoices());
    }

    @Override
    protected GenerationPlan plan(ChatCompletionRequest chat, Tenant tenant) {
        ModelEngine engine = ApiRequests.model(catalog, chat.model());
        int[] prompt = engine.chatPrompt(chat.messages());
        return GenerationPlan.of(ApiRequests.newId("chatcmpl"), engine, tenant, List.of(prompt), chat.n(),
                chat.sampling(), SamplingParams.UNLIMITED_TOKENS, chat.priority(), "messages");
    }

    @Override
    protected ChunkEncoder encoder(ChatCompletionRequest chat, GenerationPlan plan, long created) {
        return new ChatChunkEncoder(plan.id(), created, plan.engine(), plan.numChoices(), plan.n(),
                chat.sampling().logprobs(), chat.includeUsage());
    }

    @Override
    protected Object document(ChatCompletionRequest chat, GenerationPlan plan, long created,
            List<CollectedChoice> choices) {
        boolean logprobs = chat.sampling().logprobs();
        UsageTally usage = new UsageTally(plan.n());
        List<ChatCompletion.Choice> out = choices.stream().map(c -> {
            usage.add(c.index(), c.result());
            return new ChatCompletion.Choice(c.index(), new ChatCompletion.Message("assistant", c.text()),
                    logprobs ? ChatLogprobs.of(c.tokens(), plan.engine()) : null,
                    UsageTally.finishReason(c.result().finishReason()));
        }).toList();
        return new ChatCompletion(plan.id(), created, plan.model(), out, usage.usage());
    }
}
