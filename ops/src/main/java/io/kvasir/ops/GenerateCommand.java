package io.kvasir.ops;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.ObjectMapper;

/** Generates text from a prompt, streaming it, or as one JSON object. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt with a GGUF model.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "128", paramLabel = "N",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T",
            description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "Top-k; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "Top-p (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "Min-p (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", paramLabel = "R", description = "Repetition penalty (default: ${DEFAULT-VALUE}).")
    double repeatPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed; the same seed gives the same text.")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--chat", description = "Wrap the prompt as a user message in the model's chat template.")
    boolean chat;

    @Option(names = "--json", description = "Print one JSON object: prompt_tokens, tokens, text, finish_reason, timings.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SamplingParams sampling = SamplingParams.builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .repetitionPenalty(repeatPenalty).seed(seed).maxTokens(maxTokens).stop(stop).ignoreEos(ignoreEos).build();
        try (LoadedModel model = LoadedModel.load(modelOptions.resolveModel())) {
            int[] promptTokens = tokenizePrompt(model);
            EngineConfig config = EngineConfig.defaults().withNumThreads(modelOptions.numThreads())
                    .withMaxRunningRequests(1).withMaxContextTokens(model.config().contextLength())
                    .withKvCacheBytes(Math.max(model.kvBytesPerToken() * (model.config().contextLength() + 16), 1L << 20));
            try (Engine engine = Engine.start(model, config)) {
                Collector collector = new Collector(json ? null : out);
                long start = System.nanoTime();
                engine.submit(GenerationRequest.of("cli-1", promptTokens, sampling), collector);
                GenerationResult result = collector.done.join();
                long totalNanos = System.nanoTime() - start;
                if (json) {
                    out.println(new ObjectMapper().writeValueAsString(toJson(promptTokens, collector, result, totalNanos)));
                } else {
                    out.println();
                }
            }
        }
        return 0;
    }

    private int[] tokenizePrompt(LoadedModel model) {
        Tokenizer tokenizer = model.tokenizer();
        if (!chat) {
            return tokenizer.encode(prompt, tokenizer.addBosByDefault(), false);
        }
        return model.encodeChat(List.of(new ChatMessage("user", prompt)));
    }

    private static Map<String, Object> toJson(int[] promptTokens, Collector c, GenerationResult result, long totalNanos) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("prompt_tokens", promptTokens);
        json.put("tokens", c.tokens.stream().mapToInt(Integer::intValue).toArray());
        json.put("text", c.text.toString());
        json.put("finish_reason", result.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> timings = new LinkedHashMap<>();
        double ttftMs = result.timeToFirstTokenNanos() / 1e6;
        double decodeMs = (result.totalNanos() - result.timeToFirstTokenNanos()) / 1e6;
        timings.put("time_to_first_token_ms", round(ttftMs));
        timings.put("prompt_tps", round(promptTokens.length / (ttftMs / 1e3)));
        timings.put("decode_tps", result.numGeneratedTokens() > 1 ? round((result.numGeneratedTokens() - 1) / (decodeMs / 1e3)) : 0.0);
        timings.put("total_ms", round(totalNanos / 1e6));
        json.put("timings", timings);
        return json;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Collects (and optionally prints) the streamed tokens. */
    private static final class Collector implements GenerationListener {
        final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
        final List<Integer> tokens = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        private final PrintWriter stream;

        Collector(PrintWriter stream) {
            this.stream = stream;
        }

        @Override
        public void onToken(TokenOutput token) {
            tokens.add(token.tokenId());
            text.append(token.text());
            if (stream != null && !token.text().isEmpty()) {
                stream.print(token.text());
                stream.flush();
            }
        }

        @Override
        public void onComplete(GenerationResult result) {
            done.complete(result);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }
}
