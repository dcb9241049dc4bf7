package io.kvasir.ops;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.kernel.KernelChoice;
import io.kvasir.engine.kernel.MemoryBandwidthProbe;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.ObjectMapper;

/**
 * Measures prompt processing, single-sequence decode and aggregate decode with several sequences in flight,
 * through the real engine loop (scheduler, paged KV cache, sampler), as medians over repeated runs after a
 * warm-up; and the machine's memory read bandwidth, in the same process, to put decode speed in proportion.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark prompt tokens/s, decode tokens/s and parallel decode tokens/s.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "P", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--gen-tokens", defaultValue = "32", paramLabel = "G", description = "Tokens generated per sequence (default: ${DEFAULT-VALUE}).")
    int genTokens;

    @Option(names = "--parallel", defaultValue = "16", paramLabel = "B", description = "Sequences in flight for the parallel run (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--repetitions", defaultValue = "3", paramLabel = "R", description = "Measured runs per figure (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--kv-codec", defaultValue = "f32", paramLabel = "NAME",
            description = "KV codec plugin (f32, f16, int8, fp8-e4m3, int4-kivi; default: ${DEFAULT-VALUE}).")
    String kvCodec;

    @Option(names = "--kernels", defaultValue = "auto", split = ",", paramLabel = "K[,K...]",
            description = "Matrix kernels: auto, java or native; several (java,native) are measured side by side in"
                    + " one process, their repetitions interleaved (default: ${DEFAULT-VALUE}).")
    List<String> kernels;

    @Option(names = "--json", description = "Print one JSON object per kernel choice.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 1 || genTokens < 2 || parallel < 1 || repetitions < 1) {
            throw new IllegalArgumentException("--prompt-tokens, --parallel and --repetitions must be at least 1, --gen-tokens at least 2");
        }
        List<KernelChoice> choices = kernels.stream().map(KernelChoice::parse).toList();
        PrintWriter out = spec.commandLine().getOut();
        Path path = modelOptions.resolveModel();
        int threads = modelOptions.numThreads();
        try (LoadedModel model = LoadedModel.load(path)) {
            int context = promptTokens + genTokens + 3;
            EngineConfig config = EngineConfig.defaults().withNumThreads(threads)
                    .withMaxContextTokens(context)
                    .withMaxRunningRequests(parallel)
                    .withMaxBatchTokens(Math.max(512, promptTokens))
                    .withKvCacheBytes(model.kvBytesPerToken() * (long) (context + 16) * parallel)
                    // Random prompts share nothing: prefix caching off, so every run computes its prompt.
                    .withCacheProfile(CacheProfile.defaults().withCodec(StrategyChoice.of(kvCodec))
                            .withPrefixIndex(StrategyChoice.of(StrategyChoice.NONE)));
            long weightBytes = model.gguf().tensors().stream().mapToLong(t -> t.byteSize()).sum();
            List<Engine> engines = new ArrayList<>();
            try {
                for (KernelChoice choice : choices) {
                    engines.add(Engine.start(model, config.withKernels(choice)));
                }
                List<Map<String, Object>> results = measure(engines, choices, weightBytes, path);
                for (Map<String, Object> result : results) {
                    if (json) {
                        out.println(new ObjectMapper().writeValueAsString(result));
                    } else {
                        printTable(out, result);
                    }
                }
                if (!json && results.size() > 1) {
                    printRatios(out, results);
                }
            } finally {
                for (Engine engine : engines) {
                    engine.close();
                }
            }
        }
        return 0;
    }

    /** Warms every engine up, then runs the repetitions round-robin so that machine noise falls on all alike. */
    private List<Map<String, Object>> measure(List<Engine> engines, List<KernelChoice> choices, long weightBytes,
            Path path) {
        int threads = modelOptions.numThreads();
        SplittableRandom random = new SplittableRandom(7);
        int n = engines.size();
        for (int e = 0; e < n; e++) {
            runBatch(engines.get(e), 1, promptTokens, genTokens, random);
        }
        double[][] promptTps = new double[n][repetitions];
        double[][] decodeTps = new double[n][repetitions];
        double[][] parallelTps = new double[n][repetitions];
        for (int r = 0; r < repetitions; r++) {
            for (int e = 0; e < n; e++) {
                Run single = runBatch(engines.get(e), 1, promptTokens, genTokens, random);
                promptTps[e][r] = single.promptTps();
                decodeTps[e][r] = single.decodeTps();
                parallelTps[e][r] = runBatch(engines.get(e), parallel, promptTokens, genTokens, random).decodeTps();
            }
        }
        // Steady state: after the repetitions, when the JIT has compiled the hot paths (one warm-up run leaves
        // some in code that still allocates what escape analysis later removes).
        double[] allocatedPerToken = new double[n];
        for (int e = 0; e < n; e++) {
            allocatedPerToken[e] = allocatedBytesPerDecodeToken(engines.get(e), random);
        }
        double bandwidth;
        try (ParallelExecutor probeThreads = new ParallelExecutor(threads)) {
            bandwidth = new MemoryBandwidthProbe(probeThreads).measure(1L << 30, 5).medianGigabytesPerSecond();
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            Engine engine = engines.get(e);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", path.getFileName().toString());
            result.put("kernels", choices.get(e).name().toLowerCase(Locale.ROOT));
            result.put("native_kernels", engine.usesNativeKernels());
            result.put("native_isa", engine.usesNativeKernels() ? KernelChoice.nativeIsa() : "");
            result.put("threads", threads);
            result.put("kv_codec", kvCodec);
            result.put("kv_bytes_per_token", engine.kvBytesPerToken());
            result.put("prompt_tokens", promptTokens);
            result.put("gen_tokens", genTokens);
            result.put("parallel", parallel);
            result.put("repetitions", repetitions);
            result.put("prompt_tps", median(promptTps[e]));
            result.put("prompt_tps_runs", promptTps[e]);
            result.put("decode_tps", median(decodeTps[e]));
            result.put("decode_tps_runs", decodeTps[e]);
            result.put("parallel_decode_tps", median(parallelTps[e]));
            result.put("parallel_decode_tps_runs", parallelTps[e]);
            result.put("weight_bytes", weightBytes);
            result.put("decode_weight_gbps", weightBytes * median(decodeTps[e]) / 1e9);
            result.put("memory_bandwidth_gbps", bandwidth);
            result.put("allocated_bytes_per_decode_token", allocatedPerToken[e]);
            results.add(result);
        }
        return results;
    }

    private static void printTable(PrintWriter out, Map<String, Object> r) {
        out.printf("model %s, %s kernels (native: %s%s), KV codec %s (%.0f bytes/token), %s threads, prompt %s, generate %s, parallel %s, median of %s runs%n",
                r.get("model"), r.get("kernels"), r.get("native_kernels"),
                Boolean.TRUE.equals(r.get("native_kernels")) ? ", " + r.get("native_isa") : "", r.get("kv_codec"), r.get("kv_bytes_per_token"),
                r.get("threads"), r.get("prompt_tokens"), r.get("gen_tokens"), r.get("parallel"), r.get("repetitions"));
        out.printf("  prompt processing     %10.1f tokens/s   runs %s%n", r.get("prompt_tps"), fmt((double[]) r.get("prompt_tps_runs")));
        out.printf("  decode, 1 sequence    %10.1f tokens/s   runs %s%n", r.get("decode_tps"), fmt((double[]) r.get("decode_tps_runs")));
        out.printf("  decode, %2s sequences  %10.1f tokens/s   runs %s%n", r.get("parallel"), r.get("parallel_decode_tps"),
                fmt((double[]) r.get("parallel_decode_tps_runs")));
        out.printf("  heap allocated per decode token (all threads, after the timed runs): %.0f bytes%n",
                r.get("allocated_bytes_per_decode_token"));
        out.printf("  weights streamed per decode token: %.2f GB/s of %.2f GB/s measured read bandwidth (%.0f%%)%n",
                r.get("decode_weight_gbps"), r.get("memory_bandwidth_gbps"),
                100 * (double) r.get("decode_weight_gbps") / (double) r.get("memory_bandwidth_gbps"));
    }

    /** Each choice's medians over the first choice's, measured in the same process. */
    private static void printRatios(PrintWriter out, List<Map<String, Object>> results) {
        Map<String, Object> base = results.getFirst();
        for (Map<String, Object> r : results.subList(1, results.size())) {
            out.printf("%s / %s: prompt %.2fx, decode %.2fx, parallel decode %.2fx%n", r.get("kernels"), base.get("kernels"),
                    ratio(r, base, "prompt_tps"), ratio(r, base, "decode_tps"), ratio(r, base, "parallel_decode_tps"));
        }
    }

    private static double ratio(Map<String, Object> r, Map<String, Object> base, String key) {
        return (double) r.get(key) / (double) base.get(key);
    }

    private static String fmt(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.isEmpty() ? "" : " ").append(String.format("%.1f", v));
        }
        return s.toString();
    }

    /**
     * Heap bytes allocated by every thread of the process per generated token, over two runs of one sequence
     * that differ only in how many tokens they generate (so prompt processing and request set-up cancel out).
     */
    private double allocatedBytesPerDecodeToken(Engine engine, SplittableRandom random) {
        long shortRun = allocatedDuring(() -> runBatch(engine, 1, promptTokens, 2, random));
        long longRun = allocatedDuring(() -> runBatch(engine, 1, promptTokens, 2 + genTokens, random));
        return Math.max(0, (double) (longRun - shortRun) / genTokens);
    }

    private static long allocatedDuring(Runnable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = totalAllocated(threads);
        work.run();
        return totalAllocated(threads) - before;
    }

    private static long totalAllocated(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** What one batch of requests measured. */
    record Run(double promptTps, double decodeTps) {
    }

    /**
     * Submits {@code count} requests together and waits for them. Prompt speed: prompt tokens over the time to
     * the first token of the last request; decode speed: tokens generated after each request's first token over
     * the time from the last first token to the end (so only the phase where all sequences decode counts).
     */
    private static Run runBatch(Engine engine, int count, int promptTokens, int genTokens, SplittableRandom random) {
        int vocab = engine.model().config().vocabSize();
        SamplingParams sampling = SamplingParams.builder().temperature(0).maxTokens(genTokens).ignoreEos(true).build();
        List<Timing> timings = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int[] prompt = new int[promptTokens];
            for (int p = 0; p < promptTokens; p++) {
                prompt[p] = 3 + random.nextInt(vocab - 3);
            }
            Timing timing = new Timing();
            timings.add(timing);
            engine.submit(GenerationRequest.of("bench-" + System.nanoTime() + "-" + i, prompt, sampling), timing);
        }
        long lastFirstToken = 0;
        long end = 0;
        long decodedAfterFirst = 0;
        for (Timing t : timings) {
            GenerationResult result = t.done.join();
            lastFirstToken = Math.max(lastFirstToken, t.firstTokenNanos);
            end = Math.max(end, t.endNanos);
            decodedAfterFirst += result.numGeneratedTokens() - 1;
        }
        long decodedInSteadyPhase = 0;
        for (Timing t : timings) {
            decodedInSteadyPhase += t.tokensAfter(lastFirstToken);
        }
        double promptSeconds = (lastFirstToken - start) / 1e9;
        double decodeSeconds = (end - lastFirstToken) / 1e9;
        return new Run((double) promptTokens * count / promptSeconds,
                decodeSeconds > 0 ? decodedInSteadyPhase / decodeSeconds : decodedAfterFirst / promptSeconds);
    }

    /** Timestamps of one request's tokens. */
    private static final class Timing implements GenerationListener {
        final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
        final long[] tokenNanos = new long[1 << 16];
        int numTokens;
        long firstTokenNanos;
        long endNanos;

        @Override
        public void onToken(TokenOutput token) {
            long now = System.nanoTime();
            if (numTokens == 0) {
                firstTokenNanos = now;
            }
            if (numTokens < tokenNanos.length) {
                tokenNanos[numTokens] = now;
            }
            numTokens++;
            endNanos = now;
        }

        long tokensAfter(long instant) {
            long n = 0;
            for (int i = 0; i < Math.min(numTokens, tokenNanos.length); i++) {
                if (tokenNanos[i] > instant) {
                    n++;
                }
            }
            return n;
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
