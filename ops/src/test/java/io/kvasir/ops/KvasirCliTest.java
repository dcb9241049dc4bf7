package io.kvasir.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.engine.kernel.KernelChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.testing.Goldens;
import io.kvasir.engine.testing.SharedFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The command line as a user runs it: output, JSON and exit statuses. */
class KvasirCliTest {

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = KvasirCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void generateJsonGivesLlamaCppsGreedyTokens() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        Goldens.Case golden = Goldens.load("stories260K").cases().get(0);
        Result result = run("generate", "--model", model.toString(), "--prompt", golden.prompt(), "--temperature", "0",
                "--max-tokens", "40", "--threads", "2", "--json");
        assertThat(result.status()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        int[] promptTokens = new ObjectMapper().treeToValue(json.get("prompt_tokens"), int[].class);
        int[] tokens = new ObjectMapper().treeToValue(json.get("tokens"), int[].class);
        assertThat(promptTokens).containsExactly(golden.promptTokens());
        assertThat(tokens).containsExactly(java.util.Arrays.copyOf(golden.greedyTokens(), 40));
        assertThat(golden.greedyText()).startsWith(json.get("text").asString());
        assertThat(json.get("finish_reason").asString()).isEqualTo("length");
        assertThat(json.get("timings").get("decode_tps").asDouble()).isPositive();
    }

    @Test
    void benchMeasuresEachKernelChoiceInOneRun() throws Exception {
        Path model = SharedFiles.require("models/tiny-gqa-q8_0.gguf");
        Result result = run("bench", "--model", model.toString(), "--threads", "2", "--prompt-tokens", "8",
                "--gen-tokens", "3", "--parallel", "2", "--repetitions", "1", "--kernels", "java,auto", "--json");
        assertThat(result.status()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode java = new ObjectMapper().readTree(lines[0]);
        JsonNode auto = new ObjectMapper().readTree(lines[1]);
        assertThat(java.get("kernels").asString()).isEqualTo("java");
        assertThat(java.get("native_kernels").asBoolean()).isFalse();
        assertThat(auto.get("kernels").asString()).isEqualTo("auto");
        assertThat(auto.get("native_kernels").asBoolean()).isEqualTo(KernelChoice.nativeAvailable());
        assertThat(auto.get("parallel_decode_tps").asDouble()).isPositive();
    }

    @Test
    void generateChatWrapsThePromptInTheChatTemplate() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        Result result = run("generate", "--model", model.toString(), "--prompt", "Hi", "--chat", "--temperature", "0",
                "--max-tokens", "4", "--threads", "1", "--json");
        assertThat(result.status()).as(result.err()).isZero();
        int[] promptTokens = new ObjectMapper().treeToValue(new ObjectMapper().readTree(result.out()).get("prompt_tokens"),
                int[].class);
        try (LoadedModel loaded = LoadedModel.load(model)) {
            // stories260K has no template of its own: the ChatML fallback, after one BOS.
            assertThat(promptTokens[0]).isEqualTo(loaded.tokenizer().bosId());
            assertThat(loaded.tokenizer().decode(java.util.Arrays.copyOfRange(promptTokens, 1, promptTokens.length)))
                    .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void userErrorsPrintOneLineAndExitWithStatusTwo(@TempDir Path dir) throws Exception {
        Result missing = run("generate", "--model", dir.resolve("nope.gguf").toString(), "--prompt", "x");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("kvasir: ").contains("nope.gguf").doesNotContain("\tat ");
        assertThat(missing.err().strip().lines()).hasSize(1);

        Path garbage = Files.writeString(dir.resolve("garbage.gguf"), "this is not a model");
        Result malformed = run("inspect", "--model", garbage.toString());
        assertThat(malformed.status()).isEqualTo(2);
        assertThat(malformed.err()).contains("garbage.gguf").contains("magic");

        Path model = SharedFiles.require("models/stories260K.gguf");
        Result badTemperature = run("generate", "--model", model.toString(), "--prompt", "x", "--temperature", "-1");
        assertThat(badTemperature.status()).isEqualTo(2);
        assertThat(badTemperature.err()).contains("temperature");

        Result tooLong = run("generate", "--model", model.toString(), "--prompt", "Once upon a time ".repeat(200));
        assertThat(tooLong.status()).isEqualTo(2);
        assertThat(tooLong.err()).contains("context");

        Result unknownOption = run("generate", "--no-such-option");
        assertThat(unknownOption.status()).isEqualTo(2);
    }

    @Test
    void synthWritesAModelThatInspectAndGenerateRun(@TempDir Path dir) {
        Path file = dir.resolve("custom.gguf");
        Result synth = run("synth", "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--ffn", "128",
                "--vocab", "400", "--context", "128", "--type", "q8_0", "--out", file.toString());
        assertThat(synth.status()).as(synth.err()).isZero();
        Result inspect = run("inspect", "--model", file.toString());
        assertThat(inspect.status()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("Q8_0").contains("KV bytes per token (f32): 512");
        Result generate = run("generate", "--model", file.toString(), "--prompt", "hello", "--max-tokens", "5",
                "--seed", "1", "--ignore-eos", "--json");
        assertThat(generate.status()).as(generate.err()).isZero();
        assertThat(generate.out()).contains("\"finish_reason\":\"length\"");
    }

    @Test
    void synthWritesAQwen2ModelThatGenerateRuns(@TempDir Path dir) {
        Path file = dir.resolve("qwen2.gguf");
        Result synth = run("synth", "--arch", "qwen2", "--dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2",
                "--ffn", "128", "--vocab", "400", "--context", "128", "--type", "f16", "--out", file.toString());
        assertThat(synth.status()).as(synth.err()).isZero();
        Result inspect = run("inspect", "--model", file.toString(), "--tensors");
        assertThat(inspect.status()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("qwen2").contains("blk.0.attn_q.bias");
        Result generate = run("generate", "--model", file.toString(), "--prompt", "hello", "--max-tokens", "5",
                "--seed", "1", "--ignore-eos", "--json");
        assertThat(generate.status()).as(generate.err()).isZero();
        Result unknown = run("synth", "--arch", "gemma", "--shape", "tiny", "--out", dir.resolve("x.gguf").toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("llama or qwen2, not gemma");
    }

    @Test
    void pluginsListsEveryKindWithItsStrategies() {
        Result plugins = run("plugins");
        assertThat(plugins.status()).isZero();
        assertThat(plugins.out()).contains("kv-codec:", "int4-kivi", "prefix-index:", "radix", "eviction:", "snapkv",
                "preemption:", "swap", "offload-tier:", "disk", "scheduling:", "vtc");
    }
}
