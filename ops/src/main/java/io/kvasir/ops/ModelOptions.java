package io.kvasir.ops;

import java.io.IOException;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.model.synth.EmbeddedModel;

import picocli.CommandLine.Option;

/** The options every model-running command shares. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "GGUF model file. Default: the embedded synthetic model, created on first use under $KVASIR_HOME (~/.kvasir).")
    @Nullable Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Worker threads for the kernels (default: all cores).")
    int threads;

    /** The model file to use: the one given, or the embedded default (made if missing). */
    Path resolveModel() throws IOException {
        return model != null ? model : EmbeddedModel.ensure();
    }

    int numThreads() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
