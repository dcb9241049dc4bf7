package io.kvasir.engine.sample;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Finds a request's stop strings in streamed text and decides which text is safe to emit.
 *
 * <p>Text that may be the start of a stop string is held back until the following text shows that it is
 * not; when a stop string appears, the text before it is emitted and the stop string itself is not (as
 * OpenAI does). With several stop strings, the one whose last character arrives first wins (the longest, if several
 * end on the same character). The
 * concatenation of everything returned equals the input up to the stop string, or all of it when none
 * appeared (after {@link #flush()}).
 *
 * <p>Each stop string is matched with a Knuth-Morris-Pratt automaton, so every input character costs
 * amortised constant time per stop string however the text is split into chunks.
 *
 * <p>Invariants: {@code matchedLengths[i]} is the length of the longest prefix of stop string i that ends
 * the text seen so far, and {@code held} is exactly the longest of those prefixes (plus a dangling high
 * surrogate, if a chunk ended inside a surrogate pair).
 */
public final class StopStringMatcher {

    private final String[] stopStrings;
    private final int[][] failure;
    private final int[] matchedLengths;
    private final StringBuilder held = new StringBuilder();
    private int matchedIndex = -1;

    /**
     * A matcher for these stop strings (validated by {@code SamplingParams}: non-empty, well-formed).
     *
     * @param stopStrings may be empty, in which case every chunk passes through unchanged
     */
    public StopStringMatcher(List<String> stopStrings) {
        int n = stopStrings.size();
        this.stopStrings = new String[n];
        this.failure = new int[n][];
        this.matchedLengths = new int[n];
        for (int i = 0; i < n; i++) {
            String s = Objects.requireNonNull(stopStrings.get(i), "stop string");
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop[" + i + "] must not be empty");
            }
            this.stopStrings[i] = s;
            this.failure[i] = failureFunction(s);
        }
    }

    /**
     * Consumes a chunk of generated text and returns the text that is safe to emit now (possibly empty).
     * After a stop string matched, returns the empty string for every further chunk.
     */
    public String push(CharSequence chunk) {
        if (matchedIndex >= 0) {
            return "";
        }
        if (stopStrings.length == 0) {
            return chunk.toString();
        }
        for (int c = 0; c < chunk.length(); c++) {
            char ch = chunk.charAt(c);
            held.append(ch);
            int completed = advance(ch);
            if (completed >= 0) {
                matchedIndex = completed;
                String before = held.substring(0, held.length() - stopStrings[completed].length());
                held.setLength(0);
                return before;
            }
        }
        int numHeld = 0;
        for (int length : matchedLengths) {
            numHeld = Math.max(numHeld, length);
        }
        int emitEnd = held.length() - numHeld;
        if (emitEnd > 0 && Character.isHighSurrogate(held.charAt(emitEnd - 1))) {
            emitEnd--;
        }
        if (emitEnd <= 0) {
            return "";
        }
        String safe = held.substring(0, emitEnd);
        held.delete(0, emitEnd);
        return safe;
    }

    /** Ends the stream: returns the held text (empty after a match). */
    public String flush() {
        String rest = held.toString();
        held.setLength(0);
        Arrays.fill(matchedLengths, 0);
        return rest;
    }

    /** Whether a stop string has appeared. */
    public boolean stopped() {
        return matchedIndex >= 0;
    }

    /** The stop string that appeared, or null. */
    public @Nullable String matchedStopString() {
        return matchedIndex >= 0 ? stopStrings[matchedIndex] : null;
    }

    /** Feeds one character to every automaton; returns the index of the longest stop string it completes, or -1. */
    private int advance(char ch) {
        int completed = -1;
        for (int i = 0; i < stopStrings.length; i++) {
            String s = stopStrings[i];
            int[] fail = failure[i];
            int matched = matchedLengths[i];
            while (matched > 0 && s.charAt(matched) != ch) {
                matched = fail[matched - 1];
            }
            if (s.charAt(matched) == ch) {
                matched++;
            }
            if (matched == s.length()) {
                if (completed < 0 || s.length() > stopStrings[completed].length()) {
                    completed = i;
                }
                matched = fail[matched - 1];
            }
            matchedLengths[i] = matched;
        }
        return completed;
    }

    /** {@code f[i]}: the length of the longest proper prefix of {@code s[0..i]} that is also its suffix. */
    private static int[] failureFunction(String s) {
        int[] f = new int[s.length()];
        int k = 0;
        for (int i = 1; i < s.length(); i++) {
            while (k > 0 && s.charAt(i) != s.charAt(k)) {
                k = f[k - 1];
            }
            if (s.charAt(i) == s.charAt(k)) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }
}
