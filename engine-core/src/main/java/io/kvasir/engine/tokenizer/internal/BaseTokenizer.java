package io.kvasir.engine.tokenizer.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.kvasir.engine.tokenizer.Tokenizer;
import io.kvasir.engine.tokenizer.TokenizerOptions;
import io.kvasir.engine.tokenizer.Vocabulary;

/**
 * What SentencePiece and byte-level BPE share: token attributes, end-of-generation detection, special
 * token parsing, token bytes and decoding. Subclasses supply the algorithm for plain text fragments.
 *
 * <p>Encoding cuts the text at special tokens first (see {@link SpecialTokenSplitter}) and runs the
 * algorithm on each text fragment with a per-call {@link TextEncoder}; the tokenizer itself holds no
 * mutable state, so one instance serves all threads.
 *
 * <p>Invariants: {@code attrs}, {@code pieces} and {@code endOfGeneration} have one entry per token id;
 * {@code bosId} and {@code eosId} are valid ids or -1.
 */
public abstract class BaseTokenizer implements Tokenizer {

    /** Token texts llama.cpp treats as end of generation (and as control tokens) whatever their type. */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
            "<|eom_id|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<end_of_utterance>", "<|return|>",
            "<|call|>");

    /** Fill-in-the-middle pad, repository and file-separator markers: the first of each group ends generation. */
    private static final List<Set<String>> FIM_END_GROUPS = List.of(
            Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"),
            Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"),
            Set.of("<|file_sep|>"));

    protected final String[] texts;
    protected final int[] attrs;
    protected final TextIndex index;
    private final byte[][] pieces;
    private final boolean[] endOfGeneration;
    private final SpecialTokenSplitter splitter;
    private final int bosId;
    private final int eosId;
    private final boolean addBosByDefault;
    private final boolean stripFirstSpaceOnDecode;

    /**
     * @param byteLevel decode normal pieces through the byte-to-unicode table (BPE) instead of {@code ▁}
     *     to space (SentencePiece)
     * @param addBosByDefault the effective add-BOS default for this model
     * @param stripFirstSpaceOnDecode drop one leading space of the first token when decoding a sequence
     */
    protected BaseTokenizer(Vocabulary vocabulary, TokenizerOptions options, boolean byteLevel,
            boolean addBosByDefault, boolean stripFirstSpaceOnDecode) {
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(options, "options");
        this.texts = vocabulary.texts();
        int size = texts.length;
        this.index = new TextIndex(texts);
        this.attrs = new int[size];
        for (int id = 0; id < size; id++) {
            attrs[id] = TokenAttributes.of(vocabulary.types()[id]);
        }
        this.bosId = validOrNone(options.bosId(), size);
        this.eosId = validOrNone(options.eosId(), size);
        this.addBosByDefault = addBosByDefault;
        this.stripFirstSpaceOnDecode = stripFirstSpaceOnDecode;

        this.endOfGeneration = new boolean[size];
        markEndOfGeneration(options);
        if (options.rstripAfterSpecialTokens()) {
            applyRstripQuirk();
        }
        this.splitter = new SpecialTokenSplitter(texts, attrs);
        this.pieces = new byte[size][];
        for (int id = 0; id < size; id++) {
            pieces[id] = pieceBytes(texts[id], attrs[id], byteLevel);
        }
    }

    /** Encodes one text fragment; one instance per encode call, so it may keep working buffers. */
    protected interface TextEncoder {
        /**
         * Appends the tokens of {@code text[from, to)}.
         *
         * @param afterSpecial the fragment starts the text or follows a special token
         */
        void encode(int from, int to, boolean afterSpecial, IntList out);
    }

    /** A fragment encoder for one call over {@code text}. */
    protected abstract TextEncoder newTextEncoder(String text);

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        String clean = replaceLoneSurrogates(text);
        IntList out = new IntList(clean.length() / 3 + 4);
        if (addBos && bosId >= 0) {
            out.add(bosId);
        }
        if (clean.isEmpty()) {
            return out.toArray();
        }
        IntList fragments = new IntList(12);
        splitter.split(clean, parseSpecial, fragments);
        TextEncoder encoder = newTextEncoder(clean);
        boolean afterSpecial = true;
        for (int f = 0; f < fragments.size(); f += 3) {
            int tokenId = fragments.get(f);
            if (tokenId == SpecialTokenSplitter.TEXT) {
                encoder.encode(fragments.get(f + 1), fragments.get(f + 2), afterSpecial, out);
                afterSpecial = false;
            } else {
                out.add(tokenId);
                afterSpecial = true;
            }
        }
        return out.toArray();
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return pieces[checkId(tokenId)].clone();
    }

    @Override
    public String decode(int[] tokenIds) {
        Objects.requireNonNull(tokenIds, "tokenIds");
        byte[] buffer = new byte[tokenIds.length * 4 + 16];
        int length = 0;
        for (int i = 0; i < tokenIds.length; i++) {
            byte[] piece = pieces[checkId(tokenIds[i])];
            int skip = i == 0 && stripFirstSpaceOnDecode && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            int numBytes = piece.length - skip;
            if (length + numBytes > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + numBytes));
            }
            System.arraycopy(piece, skip, buffer, length, numBytes);
            length += numBytes;
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return texts.length;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public boolean addBosByDefault() {
        return addBosByDefault;
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return tokenId >= 0 && tokenId < endOfGeneration.length && endOfGeneration[tokenId];
    }

    @Override
    public String tokenText(int tokenId) {
        return texts[checkId(tokenId)];
    }

    private void markEndOfGeneration(TokenizerOptions options) {
        for (int id = 0; id < texts.length; id++) {
            if (END_OF_GENERATION_TEXTS.contains(texts[id])) {
                markEndOfGeneration(id);
            }
        }
        for (Set<String> group : FIM_END_GROUPS) {
            for (int id = 0; id < texts.length; id++) {
                if (group.contains(texts[id])) {
                    markEndOfGeneration(id);
                    break;
                }
            }
        }
        if (eosId >= 0) {
            endOfGeneration[eosId] = true;
        }
        for (int id : options.extraEndOfGenerationIds()) {
            if (id >= 0 && id < texts.length) {
                endOfGeneration[id] = true;
            }
        }
    }

    // A marker that ends generation must never be emitted as text, so it is made a control token.
    private void markEndOfGeneration(int id) {
        endOfGeneration[id] = true;
        attrs[id] |= TokenAttributes.CONTROL;
    }

    private void applyRstripQuirk() {
        for (int id = 0; id < texts.length; id++) {
            if ((attrs[id] & TokenAttributes.SPECIAL) != 0 || texts[id].equals("</s>")) {
                attrs[id] |= TokenAttributes.RSTRIP;
            }
        }
        for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) {
            int id = index.get(text);
            if (id >= 0) {
                attrs[id] &= ~TokenAttributes.RSTRIP;
            }
        }
    }

    private static byte[] pieceBytes(String text, int attrs, boolean byteLevel) {
        if ((attrs & (TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) != 0) {
            return new byte[0];
        }
        if ((attrs & TokenAttributes.USER_DEFINED) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attrs & TokenAttributes.NORMAL) != 0) {
            return byteLevel ? ByteLevel.decode(text) : text.replace('▁', ' ').getBytes(StandardCharsets.UTF_8);
        }
        if ((attrs & TokenAttributes.BYTE) != 0) {
            int value = parseByteToken(text);
            return value < 0 ? new byte[0] : new byte[] {(byte) value};
        }
        return new byte[0];
    }

    /** The byte of a {@code <0xNN>} text, or -1 when the text has another form. */
    static int parseByteToken(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(text.charAt(3), 16);
        int low = Character.digit(text.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    private int checkId(int tokenId) {
        if (tokenId < 0 || tokenId >= texts.length) {
            throw new IllegalArgumentException("tokenId " + tokenId + " is outside the vocabulary [0, "
                    + texts.length + ")");
        }
        return tokenId;
    }

    private static int validOrNone(int id, int size) {
        return id >= 0 && id < size ? id : -1;
    }

    // The Tokenizer contract asks for valid Unicode; a stray surrogate (say from a JSON "\ud800") is
    // encoded as U+FFFD rather than failing the request or producing invalid UTF-8.
    private static String replaceLoneSurrogates(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < length
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    return replaceLoneSurrogatesFrom(text, i);
                }
                i++;
            }
        }
        return text;
    }

    private static String replaceLoneSurrogatesFrom(String text, int first) {
        StringBuilder builder = new StringBuilder(text.length());
        builder.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                builder.append(c).append(text.charAt(++i));
            } else {
                builder.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.toString();
    }

    /** Appends the UTF-8 bytes of {@code text[from, to)} to {@code out} from index 0; returns the count. */
    static int utf8(CharSequence text, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int c = text.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate((char) c) && i + 1 < to
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = Character.toCodePoint((char) c, text.charAt(++i));
                out[n++] = (byte) (0xF0 | (codePoint >> 18));
                out[n++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                out[n++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /** Writes the UTF-8 bytes of one code point (a lone surrogate as U+FFFD); returns the count. */
    static int utf8(int codePoint, byte[] out) {
        int c = Character.isSurrogate((char) codePoint) && codePoint < 0x10000 ? 0xFFFD : codePoint;
        if (c < 0x80) {
            out[0] = (byte) c;
            return 1;
        }
        if (c < 0x800) {
            out[0] = (byte) (0xC0 | (c >> 6));
            out[1] = (byte) (0x80 | (c & 0x3F));
            return 2;
        }
        if (c < 0x10000) {
            out[0] = (byte) (0xE0 | (c >> 12));
            out[1] = (byte) (0x80 | ((c >> 6) & 0x3F));
            out[2] = (byte) (0x80 | (c & 0x3F));
            return 3;
        }
        out[0] = (byte) (0xF0 | (c >> 18));
        out[1] = (byte) (0x80 | ((c >> 12) & 0x3F));
        out[2] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[3] = (byte) (0x80 | (c & 0x3F));
        return 4;
    }
}
