package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

import io.kvasir.engine.tokenizer.TokenizerOptions;
import io.kvasir.engine.tokenizer.Vocabulary;

/**
 * SentencePiece-style BPE as llama.cpp runs it for {@code tokenizer.ggml.model = llama}.
 *
 * <p>Per text fragment: prepend a space when the fragment starts the text or follows a special token
 * (if {@code add_space_prefix}), write spaces as {@code ▁}, start from one symbol per code point, then
 * repeatedly merge the adjacent pair whose concatenation is the vocabulary token with the highest score
 * (ties: the leftmost pair). Symbols left that are not tokens become their UTF-8 bytes as
 * {@code <0xNN>} tokens.
 *
 * <p>Any vocabulary text can be the result of a merge, control tokens included, exactly as in llama.cpp:
 * so every symbol that survives longer than one code point is a token, and only single code points
 * fall back to bytes.
 *
 * <p>llama.cpp runs one priority queue over the whole fragment. Here the fragment is first cut where two
 * adjacent code points occur next to each other in no vocabulary text: no merge can ever cross such a
 * cut, and within each region the merge order is unchanged, so the result is identical while the queues
 * stay small (one per word, typically) instead of holding millions of entries for a long prompt.
 */
public final class SpmTokenizer extends BaseTokenizer {

    private static final char SPACE_MARK = '▁';

    /** Per token, the heap priority of its score: smaller is a higher score. */
    private final int[] scorePriority;
    /** Per byte value, the token that stands for it. */
    private final int[] byteTokens = new int[256];
    /** The adjacent code-point pairs inside vocabulary texts (value 0); a merge can only join these. */
    private final IntPairMap joinablePairs;
    private final boolean addSpacePrefix;

    public SpmTokenizer(Vocabulary vocabulary, TokenizerOptions options) {
        super(vocabulary, options, false, options.addBos(), options.addSpacePrefix());
        this.addSpacePrefix = options.addSpacePrefix();
        float[] scores = vocabulary.scores();
        scorePriority = new int[scores.length];
        for (int id = 0; id < scores.length; id++) {
            scorePriority[id] = descendingPriority(scores[id]);
        }
        int unknownId = firstWithAttribute(TokenAttributes.UNKNOWN);
        for (int b = 0; b < 256; b++) {
            int id = index.get(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) {
                id = index.get(String.valueOf((char) b));
            }
            byteTokens[b] = id >= 0 ? id : unknownId;
        }
        joinablePairs = adjacentPairs(texts);
    }

    private static IntPairMap adjacentPairs(String[] texts) {
        int numPairs = 0;
        for (String text : texts) {
            numPairs += Math.max(0, text.length() - 1);
        }
        IntPairMap pairs = new IntPairMap(numPairs);
        for (String text : texts) {
            int previous = -1;
            for (int i = 0; i < text.length(); ) {
                int codePoint = text.codePointAt(i);
                i += Character.charCount(codePoint);
                if (previous >= 0) {
                    pairs.putIfAbsent(previous, codePoint, 0);
                }
                previous = codePoint;
            }
        }
        return pairs;
    }

    @Override
    protected TextEncoder newTextEncoder(String text) {
        return new Session(text);
    }

    /** Maps a float score to an int whose signed order is the reverse of the score's order. */
    static int descendingPriority(float score) {
        // -0.0 and 0.0 compare equal in llama.cpp's queue, so they must share a priority
        int bits = Float.floatToIntBits(score == 0f ? 0f : score);
        int ascending = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
        return ~ascending;
    }

    private int firstWithAttribute(int attribute) {
        for (int id = 0; id < attrs.length; id++) {
            if ((attrs[id] & attribute) != 0) {
                return id;
            }
        }
        return -1;
    }

    /** Working state of one encode call. */
    private final class Session implements TextEncoder {
        private final String text;
        private final BigramHeap heap = new BigramHeap();
        private char[] chars = new char[64];
        private int[] start = new int[64];
        private int[] length = new int[64];
        private int[] previous = new int[64];
        private int[] next = new int[64];
        private final byte[] utf8 = new byte[4];

        Session(String text) {
            this.text = text;
        }

        @Override
        public void encode(int from, int to, boolean afterSpecial, IntList out) {
            int prefix = addSpacePrefix && afterSpecial ? 1 : 0;
            int numChars = prefix + to - from;
            ensureCapacity(numChars);
            if (prefix == 1) {
                chars[0] = SPACE_MARK;
            }
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                chars[prefix + i - from] = c == ' ' ? SPACE_MARK : c;
            }

            int regionStart = 0;
            int previousCodePoint = -1;
            for (int i = 0; i < numChars; ) {
                int codePoint = Character.codePointAt(chars, i, numChars);
                if (previousCodePoint >= 0 && joinablePairs.get(previousCodePoint, codePoint) < 0) {
                    encodeRegion(regionStart, i, out);
                    regionStart = i;
                }
                previousCodePoint = codePoint;
                i += Character.charCount(codePoint);
            }
            encodeRegion(regionStart, numChars, out);
        }

        /** The SentencePiece merge loop over {@code chars[from, to)}. */
        private void encodeRegion(int from, int to, IntList out) {
            int numSymbols = 0;
            for (int i = from; i < to; ) {
                int width = Character.isHighSurrogate(chars[i]) && i + 1 < to
                        && Character.isLowSurrogate(chars[i + 1]) ? 2 : 1;
                start[numSymbols] = i;
                length[numSymbols] = width;
                previous[numSymbols] = numSymbols - 1;
                i += width;
                next[numSymbols] = i == to ? -1 : numSymbols + 1;
                numSymbols++;
            }
            if (numSymbols == 0) {
                return;
            }

            heap.clear();
            for (int s = 1; s < numSymbols; s++) {
                tryAddBigram(s - 1, s);
            }
            while (!heap.isEmpty()) {
                heap.pop();
                int left = heap.left();
                int right = heap.right();
                // a stale pair: one side was merged away or the right side grew since it was queued
                if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != heap.checkA()) {
                    continue;
                }
                length[left] += length[right];
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) {
                    previous[next[right]] = left;
                }
                tryAddBigram(previous[left], left);
                tryAddBigram(left, next[left]);
            }

            for (int s = 0; s != -1; s = next[s]) {
                int id = index.get(chars, start[s], start[s] + length[s]);
                if (id >= 0) {
                    out.add(id);
                } else {
                    appendBytes(s, out);
                }
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int size = length[left] + length[right];
            int id = index.get(chars, start[left], start[left] + size);
            if (id >= 0) {
                heap.push(BigramHeap.key(scorePriority[id], left), right, size, 0);
            }
        }

        private void appendBytes(int symbol, IntList out) {
            // only single code points reach here: every longer symbol was formed by merging into a token
            assert length[symbol] == Character.charCount(Character.codePointAt(chars, start[symbol]));
            int numBytes = utf8(Character.codePointAt(chars, start[symbol]), utf8);
            for (int b = 0; b < numBytes; b++) {
                int id = byteTokens[utf8[b] & 0xFF];
                if (id >= 0) {
                    out.add(id);
                }
            }
        }

        private void ensureCapacity(int numChars) {
            if (chars.length < numChars) {
                int capacity = Math.max(numChars, chars.length * 2);
                chars = new char[capacity];
                start = Arrays.copyOf(start, capacity);
                length = Arrays.copyOf(length, capacity);
                previous = Arrays.copyOf(previous, capacity);
                next = Arrays.copyOf(next, capacity);
            }
        }
    }
}
