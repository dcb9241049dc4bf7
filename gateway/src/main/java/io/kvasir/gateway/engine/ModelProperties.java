package io.kvasir.gateway.engine;

import io.kvasir.engine.loop.EngineConfig;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The models the gateway serves ({@code kvasir.*}).
 *
 * @param modelDirs directories model files may be loaded from; files elsewhere, {@code ..} and links leaving
 *        them are refused. Empty: the embedded default model's directory ({@code $KVASIR_HOME/models}).
 * @param models the models to load at start; empty: the embedded default model, created on first use
 */
@ConfigurationProperties("kvasir")
public record ModelProperties(List<Path> modelDirs, List<Model> models) {

    public ModelProperties {
        modelDirs = modelDirs == null ? List.of() : List.copyOf(modelDirs);
        models = models == null ? List.of() : List.copyOf(models);
    }

    /**
     * One served model.
     *
     * @param name the name clients use; default: the file name without {@code .gguf}
     * @param file the GGUF file, absolute or relative to a model directory
     * @param threads worker threads for its forward passes; 0: all available cores
     * @param kvCacheMemory bytes of KV cache (default 256MB)
     * @param blockSize tokens per KV block (default 16)
     * @param maxBatchTokens the token budget of one engine step (default 256)
     * @param maxRunningRequests requests decoding at once (default 32)
     * @param maxWaitingRequests requests queued in the engine before it refuses more (default 256)
     * @param contextLength tokens a request may span; 0: the model's own context length
     * @param scheduling the scheduling policy plugin (default {@code vtc})
     * @param prefixIndex the prefix cache plugin (default {@code hash})
     * @param codec the KV codec plugin (default {@code f32})
     */
    public record Model(@Nullable String name, String file, int threads, @Nullable DataSize kvCacheMemory,
            int blockSize, int maxBatchTokens, int maxRunningRequests, int maxWaitingRequests, int contextLength,
            @Nullable String scheduling, @Nullable String prefixIndex, @Nullable String codec) {

        public Model {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("kvasir.models[].file must name a GGUF file");
            }
            kvCacheMemory = kvCacheMemory == null ? DataSize.ofMegabytes(256) : kvCacheMemory;
            blockSize = blockSize == 0 ? 16 : blockSize;
            maxBatchTokens = maxBatchTokens == 0 ? EngineConfig.DEFAULT_MAX_BATCH_TOKENS : maxBatchTokens;
            maxRunningRequests = maxRunningRequests == 0 ? 32 : maxRunningRequests;
            maxWaitingRequests = maxWaitingRequests == 0 ? 256 : maxWaitingRequests;
            scheduling = scheduling == null ? "vtc" : scheduling;
            prefixIndex = prefixIndex == null ? "hash" : prefixIndex;
            codec = codec == null ? "f32" : codec;
        }

        /** A model with every setting at its default. */
        public static Model ofFile(String file) {
            return new Model(null, file, 0, null, 0, 0, 0, 0, 0, null, null, null);
        }

        /** The name clients use. */
        public String servedName(Path resolvedFile) {
            if (name != null && !name.isBlank()) {
                return name;
            }
            String fileName = resolvedFile.getFileName().toString();
            return fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName;
        }
    }
}
