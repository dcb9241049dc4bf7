package io.kvasir.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import io.kvasir.engine.gguf.GgufArray;
import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufMetadata;
import io.kvasir.engine.tokenizer.internal.BpeTokenizer;
import io.kvasir.engine.tokenizer.internal.PreTokenizer;
import io.kvasir.engine.tokenizer.internal.SpmTokenizer;

/**
 * Builds the {@link Tokenizer} a GGUF model describes, following llama.cpp's reading of the
 * {@code tokenizer.ggml.*} metadata.
 *
 * <p>Supported: {@code tokenizer.ggml.model} {@code llama} (SentencePiece-style BPE with byte fallback) and
 * {@code gpt2} (byte-level BPE) with the {@code tokenizer.ggml.pre} types in {@link #supportedPreTypes()}.
 * Anything else is refused with an {@link UnsupportedTokenizerException} naming the value.
 */
public final class Tokenizers {

    /** The {@code tokenizer.ggml.model} values this factory implements. */
    public static final List<String> SUPPORTED_MODELS = List.of("llama", "gpt2");

    private static final String PREFIX = "tokenizer.ggml.";

    private Tokenizers() {
    }

    /** The {@code tokenizer.ggml.pre} values byte-level BPE supports. */
    public static Set<String> supportedPreTypes() {
        return PreTokenizer.supportedTypes();
    }

    /** A SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}). */
    public static Tokenizer sentencePiece(Vocabulary vocabulary, TokenizerOptions options) {
        return new SpmTokenizer(vocabulary, options);
    }

    /**
     * A byte-level BPE tokenizer ({@code tokenizer.ggml.model = gpt2}).
     *
     * @param preType the {@code tokenizer.ggml.pre} value choosing the pre-tokenizer regexes
     * @throws UnsupportedTokenizerException when {@code preType} is not supported
     */
    public static Tokenizer byteLevelBpe(Vocabulary vocabulary, String preType, TokenizerOptions options) {
        return new BpeTokenizer(vocabulary, preTokenizer(preType), options);
    }

    /**
     * The tokenizer for a model's metadata.
     *
     * @throws UnsupportedTokenizerException for an unknown {@code tokenizer.ggml.model} or {@code pre} type
     * @throws GgufFormatException when a required key is missing or has the wrong type
     */
    public static Tokenizer fromMetadata(GgufMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (!metadata.contains(PREFIX + "model")) {
            throw new UnsupportedTokenizerException("the model has no " + PREFIX + "model; supported models: "
                    + SUPPORTED_MODELS, "");
        }
        String model = metadata.getString(PREFIX + "model");
        if (!SUPPORTED_MODELS.contains(model)) {
            throw new UnsupportedTokenizerException("unsupported tokenizer model " + PREFIX + "model = '" + model
                    + "'; supported models: " + SUPPORTED_MODELS, model);
        }
        boolean spm = model.equals("llama");
        // llama.cpp falls back to the default pre-tokenizer (with a warning) when the key is absent
        PreTokenizer preTokenizer = spm ? null : preTokenizer(metadata.getString(PREFIX + "pre", "default"));

        String[] texts = metadata.getStringArray(PREFIX + "tokens");
        float[] scores = metadata.contains(PREFIX + "scores") ? scores(metadata) : null;
        int[] types = metadata.contains(PREFIX + "token_type") ? metadata.getIntArray(PREFIX + "token_type") : null;
        String[] merges = spm ? null : metadata.getStringArray(PREFIX + "merges");
        Vocabulary vocabulary = Vocabulary.of(texts, scores, types, merges);

        int size = texts.length;
        boolean addBosDefault = spm || preTokenizer.addBosByDefault();
        List<Integer> extraEnds = new ArrayList<>();
        for (String key : List.of("eot_token_id", "eom_token_id", "fim_pad_token_id", "fim_rep_token_id",
                "fim_sep_token_id")) {
            int id = tokenId(metadata, key, -1, size);
            if (id >= 0) {
                extraEnds.add(id);
            }
        }
        String modelName = metadata.getString("general.name", "").toLowerCase(Locale.ROOT);
        TokenizerOptions options = TokenizerOptions.builder()
                .bosId(tokenId(metadata, "bos_token_id", spm ? 1 : -1, size))
                .eosId(tokenId(metadata, "eos_token_id", spm ? 2 : -1, size))
                .extraEndOfGenerationIds(extraEnds.stream().mapToInt(Integer::intValue).toArray())
                .addBos(metadata.getBoolean(PREFIX + "add_bos_token", addBosDefault))
                .addSpacePrefix(metadata.getBoolean(PREFIX + "add_space_prefix", spm))
                .rstripAfterSpecialTokens(modelName.contains("phi-3") || modelName.contains("phi3"))
                .build();
        return spm ? new SpmTokenizer(vocabulary, options) : new BpeTokenizer(vocabulary, preTokenizer, options);
    }

    private static PreTokenizer preTokenizer(String preType) {
        Objects.requireNonNull(preType, "preType");
        PreTokenizer preTokenizer = PreTokenizer.forType(preType);
        if (preTokenizer == null) {
            throw new UnsupportedTokenizerException("unsupported pre-tokenizer " + PREFIX + "pre = '" + preType
                    + "'; supported: " + PreTokenizer.supportedTypes(), preType);
        }
        return preTokenizer;
    }

    /** Scores as floats; llama.cpp also accepts an int32 array. */
    private static float[] scores(GgufMetadata metadata) {
        GgufArray array = metadata.getArray(PREFIX + "scores");
        if (array.values() instanceof long[] longs) {
            float[] floats = new float[longs.length];
            for (int i = 0; i < longs.length; i++) {
                floats[i] = longs[i];
            }
            return floats;
        }
        return metadata.getFloatArray(PREFIX + "scores");
    }

    /** A special token id from the metadata; absent or out of range gives the default (itself checked). */
    private static int tokenId(GgufMetadata metadata, String key, int defaultId, int numTokens) {
        int fallback = defaultId < numTokens ? defaultId : -1;
        if (!metadata.contains(PREFIX + key)) {
            return fallback;
        }
        long id = metadata.getLong(PREFIX + key);
        return id >= 0 && id < numTokens ? (int) id : fallback;
    }
}
