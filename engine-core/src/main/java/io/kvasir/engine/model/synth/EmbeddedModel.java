package io.kvasir.engine.model.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.kvasir.engine.gguf.GgmlType;

/**
 * The model Kvasir runs when none is configured: a small synthetic Llama ({@link ModelShape#TINY}, Q8_0)
 * created on first use, so that the platform starts on a fresh machine with nothing downloaded. Its
 * weights are random: it exercises every code path, but its text is noise.
 *
 * <p>Location: {@code $KVASIR_HOME/models/kvasir-tiny-q8_0.gguf}, with {@code KVASIR_HOME} defaulting to
 * {@code ~/.kvasir}.
 */
public final class EmbeddedModel {

    /** The default model's file name. */
    public static final String FILE_NAME = "kvasir-tiny-q8_0.gguf";
    private static final long SEED = 42;

    private EmbeddedModel() {
    }

    /** Kvasir's home directory. */
    public static Path home() {
        String configured = System.getenv("KVASIR_HOME");
        return configured != null && !configured.isBlank() ? Paths.get(configured)
                : Paths.get(System.getProperty("user.home"), ".kvasir");
    }

    /** The default model's path, creating the file if it does not exist yet. */
    public static Path ensure() throws IOException {
        Path file = home().resolve("models").resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            new SyntheticModelWriter(ModelShape.TINY, GgmlType.Q8_0, SEED).write(file);
        }
        return file;
    }
}
