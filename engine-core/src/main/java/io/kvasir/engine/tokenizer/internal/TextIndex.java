package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

/**
 * Token text to id, looked up by a range of chars so the encoders never build a String per candidate.
 *
 * <p>Open addressing with linear probing. The first id of a text wins (llama.cpp refuses or ignores
 * duplicates); empty texts are not indexed, so they can never be produced by a merge.
 *
 * <p>Invariants: the table is at most half full; {@code ids[slot] == -1} marks an empty slot.
 */
public final class TextIndex {

    private final String[] keys;
    private final int[] hashes;
    private final int[] ids;
    private final int mask;

    public TextIndex(String[] texts) {
        int capacity = Integer.highestOneBit(Math.max(4, texts.length) * 2 - 1) << 1;
        keys = new String[capacity];
        hashes = new int[capacity];
        ids = new int[capacity];
        Arrays.fill(ids, -1);
        mask = capacity - 1;
        for (int id = 0; id < texts.length; id++) {
            String text = texts[id];
            if (text.isEmpty()) {
                continue;
            }
            int hash = text.hashCode();
            int slot = spread(hash) & mask;
            while (ids[slot] >= 0 && !(hashes[slot] == hash && keys[slot].equals(text))) {
                slot = (slot + 1) & mask;
            }
            if (ids[slot] < 0) {
                keys[slot] = text;
                hashes[slot] = hash;
                ids[slot] = id;
            }
        }
    }

    /** The id of {@code text}, or -1. */
    public int get(CharSequence text) {
        return get(text, 0, text.length());
    }

    /** The id of the text {@code chars[from, to)}, or -1. */
    public int get(char[] chars, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + chars[i];
        }
        int length = to - from;
        for (int slot = spread(hash) & mask; ids[slot] >= 0; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && keys[slot].length() == length && sameChars(keys[slot], chars, from)) {
                return ids[slot];
            }
        }
        return -1;
    }

    /** The id of the text {@code text[from, to)}, or -1. */
    public int get(CharSequence text, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int length = to - from;
        for (int slot = spread(hash) & mask; ids[slot] >= 0; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (hashes[slot] == hash && key.length() == length && sameChars(key, text, from)) {
                return ids[slot];
            }
        }
        return -1;
    }

    private static boolean sameChars(String key, char[] chars, int from) {
        for (int i = 0, n = key.length(); i < n; i++) {
            if (key.charAt(i) != chars[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameChars(String key, CharSequence text, int from) {
        for (int i = 0, n = key.length(); i < n; i++) {
            if (key.charAt(i) != text.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
