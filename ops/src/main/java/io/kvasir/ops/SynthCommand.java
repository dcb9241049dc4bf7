package io.kvasir.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.model.synth.ModelShape;
import io.kvasir.engine.model.synth.SyntheticModelWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a synthetic model (random weights) of a realistic shape. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic Llama (or Qwen2) model with random weights, to run and benchmark without downloads.")
final class SynthCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    ShapeChoice shape;

    static final class ShapeChoice {
        @Option(names = "--shape", paramLabel = "NAME", description = "A named shape: tiny, tinyllama-1.1b, smollm-135m.")
        String name;

        @ArgGroup(exclusive = false)
        CustomShape custom;
    }

    static final class CustomShape {
        @Option(names = "--dim", required = true, description = "Embedding width.")
        int dim;
        @Option(names = "--layers", required = true, description = "Transformer blocks.")
        int layers;
        @Option(names = "--heads", required = true, description = "Query heads.")
        int heads;
        @Option(names = "--kv-heads", description = "Key/value heads (default: heads).")
        Integer kvHeads;
        @Option(names = "--ffn", required = true, description = "Feed-forward width.")
        int ffn;
        @Option(names = "--vocab", defaultValue = "32000", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
        int vocab;
        @Option(names = "--context", defaultValue = "2048", description = "Context length (default: ${DEFAULT-VALUE}).")
        int context;
    }

    @Option(names = "--type", defaultValue = "q8_0", paramLabel = "TYPE",
            description = "Tensor type: f32, f16, bf16, q8_0, q4_0 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--arch", defaultValue = "llama", paramLabel = "ARCH",
            description = "Architecture: llama, or qwen2 (Q/K/V biases, NeoX RoPE) (default: ${DEFAULT-VALUE}).")
    String architecture;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the GGUF file.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelShape modelShape = shape.name != null ? ModelShape.named(shape.name)
                : new ModelShape("custom", shape.custom.dim, shape.custom.layers, shape.custom.heads,
                        shape.custom.kvHeads == null ? shape.custom.heads : shape.custom.kvHeads, shape.custom.ffn,
                        shape.custom.vocab, shape.custom.context);
        GgmlType ggmlType;
        try {
            ggmlType = GgmlType.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tensor type '" + type + "' (use f32, f16, bf16, q8_0 or q4_0)");
        }
        long start = System.nanoTime();
        new SyntheticModelWriter(modelShape, ggmlType, seed, architecture).write(out);
        spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters, %s, %,d bytes in %.1f s%n", out,
                modelShape.name(), modelShape.numParameters(), ggmlType, Files.size(out), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
