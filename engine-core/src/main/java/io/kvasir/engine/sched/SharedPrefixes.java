package io.kvasir.engine.sched;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts how often requests start from each cached prefix, for operators to see what the prefix cache shares.
 * A prefix is identified by the salted chained hash of its blocks, so two groups never count together and the
 * prompt's tokens are not kept. Bounded: the least recently hit prefix is forgotten once {@code capacity}
 * distinct prefixes are counted.
 *
 * <p>Thread-safe: the engine loop records, any thread reads.
 */
public final class SharedPrefixes {

    private final Map<Long, Counted> byKey;

    public SharedPrefixes(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Counted> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Counts one request starting from the prefix with this key. */
    public synchronized void recordHit(long key, int numBlocks, int numTokens, String prefixGroup) {
        Counted counted = byKey.get(key);
        if (counted == null) {
            byKey.put(key, new Counted(numBlocks, numTokens, prefixGroup));
        } else {
            counted.hits++;
        }
    }

    /** The {@code limit} prefixes with the most hits, longest first among equal counts. */
    public synchronized List<SharedPrefix> top(int limit) {
        List<SharedPrefix> all = new ArrayList<>(byKey.size());
        for (Counted c : byKey.values()) {
            all.add(new SharedPrefix(c.numBlocks, c.numTokens, c.hits, c.prefixGroup));
        }
        all.sort(Comparator.comparingLong(SharedPrefix::hits).reversed()
                .thenComparing(Comparator.comparingInt(SharedPrefix::numTokens).reversed()));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** One prefix's count. */
    private static final class Counted {
        final int numBlocks;
        final int numTokens;
        final String prefixGroup;
        long hits = 1;

        Counted(int numBlocks, int numTokens, String prefixGroup) {
            this.numBlocks = numBlocks;
            this.numTokens = numTokens;
            this.prefixGroup = prefixGroup;
        }
    }
}
