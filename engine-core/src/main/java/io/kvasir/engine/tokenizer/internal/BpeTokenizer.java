package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;

import io.kvasir.engine.tokenizer.TokenizerOptions;
import io.kvasir.engine.tokenizer.Vocabulary;

/**
 * Byte-level BPE as llama.cpp runs it for {@code tokenizer.ggml.model = gpt2}.
 *
 * <p>Per text fragment: split into pieces with the {@link PreTokenizer}; per piece, start from one symbol
 * per UTF-8 byte (written as its byte-to-unicode character) and repeatedly merge the adjacent pair with
 * the lowest merge rank (ties: the leftmost pair). A final symbol that is not a token falls back to the
 * single-character tokens of its ASCII bytes, as in llama.cpp.
 *
 * <p>Symbols are identified by an int per distinct string ("symbol id"): token ids for vocabulary texts,
 * then further ids for the single-byte characters and merge parts and results the vocabulary lacks. A
 * merge is then an int pair lookup, and merging replaces the left symbol's id by the pair's result id.
 *
 * <p>Invariants: {@code symbolId < vocabSize} exactly when the symbol's text is a token, and then it is
 * that token's id; {@code mergeResult[rank]} is the symbol id of the concatenated pair of rank {@code rank}.
 */
public final class BpeTokenizer extends BaseTokenizer {

    private final PreTokenizer preTokenizer;
    private final IntPairMap mergeRanks;
    private final int[] mergeResult;
    /** Symbol id of each single byte. */
    private final int[] byteSymbol = new int[256];
    /** Token for a byte when a final symbol is not a token, or -1. */
    private final int[] byteFallback = new int[256];
    private final int vocabSize;

    public BpeTokenizer(Vocabulary vocabulary, PreTokenizer preTokenizer, TokenizerOptions options) {
        super(vocabulary, options, true, options.addBos(), false);
        this.preTokenizer = preTokenizer;
        this.vocabSize = vocabulary.size();

        SymbolIds symbolIds = new SymbolIds(texts);
        for (int b = 0; b < 256; b++) {
            byteSymbol[b] = symbolIds.of(String.valueOf(ByteLevel.charOf(b)));
            byteFallback[b] = b < 0x80 ? index.get(String.valueOf((char) b)) : -1;
        }

        String[] merges = vocabulary.merges();
        mergeRanks = new IntPairMap(merges.length);
        mergeResult = new int[merges.length];
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                mergeResult[rank] = -1;
                continue;
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            mergeRanks.putIfAbsent(symbolIds.of(left), symbolIds.of(right), rank);
            mergeResult[rank] = symbolIds.of(left + right);
        }
    }

    @Override
    protected TextEncoder newTextEncoder(String text) {
        return new Session(text);
    }

    /** Hands out symbol ids while the tables are built: texts first seen get ids from the vocabulary size up. */
    private static final class SymbolIds {
        private final Map<String, Integer> ids;
        private int nextId;

        SymbolIds(String[] texts) {
            ids = new HashMap<>(texts.length * 2);
            for (int id = 0; id < texts.length; id++) {
                if (!texts[id].isEmpty()) {
                    ids.putIfAbsent(texts[id], id);
                }
            }
            nextId = texts.length;
        }

        int of(String text) {
            Integer id = ids.get(text);
            if (id == null) {
                id = nextId++;
                ids.put(text, id);
            }
            return id;
        }
    }

    /** Working state of one encode call. */
    private final class Session implements TextEncoder {
        private final String text;
        private final Matcher[] matchers;
        private final IntList pieceEnds = new IntList(64);
        private final IntList scratch = new IntList(64);
        private final BigramHeap heap = new BigramHeap();
        private byte[] bytes = new byte[64];
        private char[] byteChars = new char[64];
        private int[] symbol = new int[64];
        private int[] length = new int[64];
        private int[] previous = new int[64];
        private int[] next = new int[64];

        Session(String text) {
            this.text = text;
            this.matchers = preTokenizer.newMatchers(text);
        }

        @Override
        public void encode(int from, int to, boolean afterSpecial, IntList out) {
            preTokenizer.split(matchers, from, to, pieceEnds, scratch);
            int start = from;
            for (int p = 0; p < pieceEnds.size(); p++) {
                int end = pieceEnds.get(p);
                encodePiece(start, end, out);
                start = end;
            }
        }

        private void encodePiece(int from, int to, IntList out) {
            ensureCapacity(3 * (to - from));
            int numBytes = utf8(text, from, to, bytes);
            if (preTokenizer.ignoreMerges()) {
                for (int i = 0; i < numBytes; i++) {
                    byteChars[i] = ByteLevel.charOf(bytes[i] & 0xFF);
                }
                int id = index.get(byteChars, 0, numBytes);
                if (id >= 0) {
                    out.add(id);
                    return;
                }
            }

            for (int i = 0; i < numBytes; i++) {
                symbol[i] = byteSymbol[bytes[i] & 0xFF];
                length[i] = 1;
                previous[i] = i - 1;
                next[i] = i + 1 < numBytes ? i + 1 : -1;
            }
            heap.clear();
            for (int i = 1; i < numBytes; i++) {
                tryAddBigram(i - 1, i);
            }
            while (!heap.isEmpty()) {
                heap.pop();
                int left = heap.left();
                int right = heap.right();
                // a stale pair: a side was merged away or changed since it was queued
                if (length[left] == 0 || length[right] == 0
                        || symbol[left] != heap.checkA() || symbol[right] != heap.checkB()) {
                    continue;
                }
                symbol[left] = mergeResult[heap.priority()];
                length[left] += length[right];
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) {
                    previous[next[right]] = left;
                }
                tryAddBigram(previous[left], left);
                tryAddBigram(left, next[left]);
            }

            for (int i = 0; i < numBytes; i += length[i]) {
                if (symbol[i] < vocabSize) {
                    out.add(symbol[i]);
                } else {
                    for (int b = i; b < i + length[i]; b++) {
                        int id = byteFallback[bytes[b] & 0xFF];
                        if (id >= 0) {
                            out.add(id);
                        }
                    }
                }
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int rank = mergeRanks.get(symbol[left], symbol[right]);
            if (rank >= 0) {
                heap.push(BigramHeap.key(rank, left), right, symbol[left], symbol[right]);
            }
        }

        private void ensureCapacity(int maxNumBytes) {
            if (bytes.length < maxNumBytes) {
                int capacity = Math.max(maxNumBytes, bytes.length * 2);
                bytes = new byte[capacity];
                byteChars = new char[capacity];
                symbol = new int[capacity];
                length = new int[capacity];
                previous = new int[capacity];
                next = Arrays.copyOf(next, capacity);
            }
        }
    }
}
