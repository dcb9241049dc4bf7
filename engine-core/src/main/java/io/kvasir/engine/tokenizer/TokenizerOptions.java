package io.kvasir.engine.tokenizer;

import java.util.Objects;

/**
 * The settings GGUF metadata adds to a vocabulary: special ids and the flags that change encoding.
 *
 * @param bosId beginning-of-sequence id, or -1
 * @param eosId end-of-sequence id, or -1
 * @param extraEndOfGenerationIds further ids that end generation (EOT, EOM, FIM pad/repo/separator from the
 *     metadata); tokens whose text is a known end-of-turn marker are found by the tokenizer itself
 * @param addBos whether prompts get BOS by default
 * @param addSpacePrefix SentencePiece only: prepend a space to text at the start and after special tokens
 * @param rstripAfterSpecialTokens special tokens swallow the whitespace after them when parsed from text
 *     (llama.cpp applies this to Phi-3 models, except for {@code <unk>}, {@code <s>} and {@code <|endoftext|>})
 */
public record TokenizerOptions(
        int bosId,
        int eosId,
        int[] extraEndOfGenerationIds,
        boolean addBos,
        boolean addSpacePrefix,
        boolean rstripAfterSpecialTokens) {

    public TokenizerOptions {
        Objects.requireNonNull(extraEndOfGenerationIds, "extraEndOfGenerationIds");
        extraEndOfGenerationIds = extraEndOfGenerationIds.clone();
    }

    @Override
    public int[] extraEndOfGenerationIds() {
        return extraEndOfGenerationIds.clone();
    }

    /** A builder starting from: no BOS/EOS, no BOS by default, a space prefix, no stripping. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TokenizerOptions}. */
    public static final class Builder {
        private int bosId = -1;
        private int eosId = -1;
        private int[] extraEndOfGenerationIds = new int[0];
        private boolean addBos;
        private boolean addSpacePrefix = true;
        private boolean rstripAfterSpecialTokens;

        private Builder() {
        }

        public Builder bosId(int bosId) {
            this.bosId = bosId;
            return this;
        }

        public Builder eosId(int eosId) {
            this.eosId = eosId;
            return this;
        }

        public Builder extraEndOfGenerationIds(int... ids) {
            this.extraEndOfGenerationIds = ids.clone();
            return this;
        }

        public Builder addBos(boolean addBos) {
            this.addBos = addBos;
            return this;
        }

        public Builder addSpacePrefix(boolean addSpacePrefix) {
            this.addSpacePrefix = addSpacePrefix;
            return this;
        }

        public Builder rstripAfterSpecialTokens(boolean rstripAfterSpecialTokens) {
            this.rstripAfterSpecialTokens = rstripAfterSpecialTokens;
            return this;
        }

        public TokenizerOptions build() {
            return new TokenizerOptions(bosId, eosId, extraEndOfGenerationIds, addBos, addSpacePrefix,
                    rstripAfterSpecialTokens);
        }
    }
}
