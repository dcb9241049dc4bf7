package io.kvasir.engine.tokenizer.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Finds special token texts in raw text and cuts it into fragments: special tokens and the text between.
 *
 * <p>Semantics follow llama.cpp's partition: tokens are tried longest first (by UTF-8 length, ties by
 * id); each token takes every non-overlapping occurrence, left to right, that lies wholly in text no
 * earlier token took. User-defined tokens are always matched; control and unknown tokens only with
 * parseSpecial. A token with LSTRIP/RSTRIP also takes the ASCII whitespace next to it, so that whitespace
 * produces nothing.
 *
 * <p>All occurrences are found in one pass over the text with a trie, then applied in priority order, which
 * gives the same result as llama.cpp's one scan per token without its cost on large special sets.
 *
 * <p>Invariants: {@code ranks} orders tokens by priority; node 0 is the trie root; a node's edges are
 * sorted by char.
 */
public final class SpecialTokenSplitter {

    /** In a fragment list, marks a text fragment (otherwise the first int is the token id). */
    public static final int TEXT = -1;

    private final int[] idByRank;
    private final int[] lengthByRank;
    private final int[] attrsByRank;
    private final boolean[] alwaysMatched;

    private final int[] edgeStart;
    private final int[] edgeCount;
    private final char[] edgeChar;
    private final int[] edgeTarget;
    private final int[] terminalRank;
    private final long[] firstChars = new long[1024];

    /**
     * @param texts token texts by id
     * @param attrs attribute bits by id (see {@link TokenAttributes})
     */
    public SpecialTokenSplitter(String[] texts, int[] attrs) {
        List<Integer> candidates = new ArrayList<>();
        for (int id = 0; id < texts.length; id++) {
            if ((attrs[id] & TokenAttributes.SPECIAL) != 0 && !texts[id].isEmpty()) {
                candidates.add(id);
            }
        }
        int[] utf8Lengths = new int[texts.length];
        for (int id : candidates) {
            utf8Lengths[id] = texts[id].getBytes(StandardCharsets.UTF_8).length;
        }
        candidates.sort(Comparator.<Integer>comparingInt(id -> -utf8Lengths[id]).thenComparingInt(id -> id));

        int numRanks = candidates.size();
        idByRank = new int[numRanks];
        lengthByRank = new int[numRanks];
        attrsByRank = new int[numRanks];
        alwaysMatched = new boolean[numRanks];

        List<TreeMap<Character, Integer>> children = new ArrayList<>();
        List<Integer> terminals = new ArrayList<>();
        children.add(new TreeMap<>());
        terminals.add(-1);
        for (int rank = 0; rank < numRanks; rank++) {
            int id = candidates.get(rank);
            String text = texts[id];
            idByRank[rank] = id;
            lengthByRank[rank] = text.length();
            attrsByRank[rank] = attrs[id];
            alwaysMatched[rank] = (attrs[id] & (TokenAttributes.CONTROL | TokenAttributes.UNKNOWN)) == 0;
            int node = 0;
            for (int i = 0; i < text.length(); i++) {
                Integer child = children.get(node).get(text.charAt(i));
                if (child == null) {
                    child = children.size();
                    children.add(new TreeMap<>());
                    terminals.add(-1);
                    children.get(node).put(text.charAt(i), child);
                }
                node = child;
            }
            if (terminals.get(node) < 0) {
                terminals.set(node, rank);
            }
            char first = text.charAt(0);
            firstChars[first >>> 6] |= 1L << first;
        }

        int numNodes = children.size();
        edgeStart = new int[numNodes];
        edgeCount = new int[numNodes];
        terminalRank = new int[numNodes];
        int numEdges = numNodes - 1;
        edgeChar = new char[numEdges];
        edgeTarget = new int[numEdges];
        int edge = 0;
        for (int node = 0; node < numNodes; node++) {
            terminalRank[node] = terminals.get(node);
            edgeStart[node] = edge;
            edgeCount[node] = children.get(node).size();
            for (var entry : children.get(node).entrySet()) {
                edgeChar[edge] = entry.getKey();
                edgeTarget[edge] = entry.getValue();
                edge++;
            }
        }
    }

    /**
     * Cuts {@code text} into fragments, appended to {@code out} as triples {@code (tokenId or TEXT, start, end)}.
     *
     * @param parseSpecial also match control and unknown tokens (user-defined ones always match)
     */
    public void split(String text, boolean parseSpecial, IntList out) {
        int length = text.length();
        long[] occurrences = findOccurrences(text, parseSpecial);
        if (occurrences.length == 0) {
            out.add(TEXT);
            out.add(0);
            out.add(length);
            return;
        }
        Arrays.sort(occurrences);

        boolean[] taken = new boolean[length];
        int[] tokenRankAt = new int[length];
        Arrays.fill(tokenRankAt, -1);
        for (long occurrence : occurrences) {
            int rank = (int) (occurrence >>> 32);
            int start = (int) occurrence;
            int end = start + lengthByRank[rank];
            if (!allFree(taken, start, end)) {
                continue;
            }
            Arrays.fill(taken, start, end, true);
            tokenRankAt[start] = rank;
            int attrs = attrsByRank[rank];
            if ((attrs & TokenAttributes.LSTRIP) != 0) {
                for (int i = start - 1; i >= 0 && !taken[i] && isAsciiSpace(text.charAt(i)); i--) {
                    taken[i] = true;
                }
            }
            if ((attrs & TokenAttributes.RSTRIP) != 0) {
                for (int i = end; i < length && !taken[i] && isAsciiSpace(text.charAt(i)); i++) {
                    taken[i] = true;
                }
            }
        }

        int i = 0;
        while (i < length) {
            int rank = tokenRankAt[i];
            if (rank >= 0) {
                out.add(idByRank[rank]);
                out.add(i);
                out.add(i + lengthByRank[rank]);
                i += lengthByRank[rank];
            } else if (taken[i]) {
                i++;
            } else {
                int start = i;
                while (i < length && !taken[i]) {
                    i++;
                }
                out.add(TEXT);
                out.add(start);
                out.add(i);
            }
        }
    }

    /** Every (rank, start) where a matchable special text occurs, packed as {@code rank << 32 | start}. */
    private long[] findOccurrences(String text, boolean parseSpecial) {
        long[] found = new long[0];
        int numFound = 0;
        int length = text.length();
        for (int start = 0; start < length; start++) {
            char first = text.charAt(start);
            if ((firstChars[first >>> 6] & (1L << first)) == 0) {
                continue;
            }
            int node = 0;
            for (int i = start; i < length; i++) {
                node = child(node, text.charAt(i));
                if (node < 0) {
                    break;
                }
                int rank = terminalRank[node];
                if (rank >= 0 && (parseSpecial || alwaysMatched[rank])) {
                    if (numFound == found.length) {
                        found = Arrays.copyOf(found, Math.max(16, numFound * 2));
                    }
                    found[numFound++] = ((long) rank << 32) | start;
                }
            }
        }
        return numFound == found.length ? found : Arrays.copyOf(found, numFound);
    }

    private int child(int node, char c) {
        int low = edgeStart[node];
        int high = low + edgeCount[node] - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            char midChar = edgeChar[mid];
            if (midChar < c) {
                low = mid + 1;
            } else if (midChar > c) {
                high = mid - 1;
            } else {
                return edgeTarget[mid];
            }
        }
        return -1;
    }

    private static boolean allFree(boolean[] taken, int start, int end) {
        for (int i = start; i < end; i++) {
            if (taken[i]) {
                return false;
            }
        }
        return true;
    }

    /** C's isspace in the "C" locale, which llama.cpp uses for stripping. */
    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
