package io.kvasir.ops;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.gguf.GgufArray;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufTensor;
import io.kvasir.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a GGUF file's metadata, tensors and what one token costs in KV memory. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's metadata, tensors, tensor types and KV bytes per token.")
final class InspectCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--tensors", description = "List every tensor (default: a summary by type).")
    boolean listTensors;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path path = modelOptions.resolveModel();
        try (GgufFile gguf = GgufFile.open(path)) {
            out.printf("file: %s (GGUF v%d, %,d bytes, alignment %d)%n", path, gguf.version(),
                    java.nio.file.Files.size(path), gguf.alignment());
            out.println("metadata:");
            for (Map.Entry<String, Object> e : gguf.metadata().asMap().entrySet()) {
                out.printf("  %-45s %s%n", e.getKey(), describe(e.getValue()));
            }
            Map<GgmlType, long[]> byType = new TreeMap<>();
            for (GgufTensor t : gguf.tensors()) {
                long[] counts = byType.computeIfAbsent(t.type(), k -> new long[2]);
                counts[0]++;
                counts[1] += t.byteSize();
                if (listTensors) {
                    out.printf("  %-40s %-5s %s%n", t.name(), t.type(), java.util.Arrays.toString(t.dims()));
                }
            }
            out.printf("tensors: %d%n", gguf.tensors().size());
            for (Map.Entry<GgmlType, long[]> e : byType.entrySet()) {
                out.printf("  %-5s %4d tensors %,15d bytes%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
            }
        }
        try (LoadedModel model = LoadedModel.load(path)) {
            var c = model.config();
            out.printf("model: %s, dim %d, %d layers, %d heads, %d KV heads, head dim %d, ffn %d, vocab %d, context %d%n",
                    c.architecture(), c.dim(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(), c.ffnDim(),
                    c.vocabSize(), c.contextLength());
            out.printf("KV bytes per token (f32): %,d = 2 x %d layers x %d KV heads x %d head dim x 4 bytes%n",
                    model.kvBytesPerToken(), c.numLayers(), c.numKvHeads(), c.headDim());
        }
        return 0;
    }

    private static String describe(Object value) {
        if (value instanceof GgufArray array) {
            return array.toString();
        }
        String text = String.valueOf(value).replace("\n", "\\n");
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
