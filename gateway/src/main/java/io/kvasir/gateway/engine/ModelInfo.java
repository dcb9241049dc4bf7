package io.kvasir.gateway.engine;

import java.nio.file.Path;

/**
 * What the gateway tells clients and validators about a served model.
 *
 * @param name the name clients use
 * @param file the GGUF file it was loaded from
 * @param architecture the GGUF architecture ({@code llama}, {@code qwen2})
 * @param contextLength the tokens a request may span, prompt plus output
 * @param vocabSize token ids are in {@code [0, vocabSize)}
 * @param createdEpochSeconds when this engine instance started
 */
public record ModelInfo(String name, Path file, String architecture, int contextLength, int vocabSize,
        long createdEpochSeconds) {
}
