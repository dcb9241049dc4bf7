package io.kvasir.plugins.eviction;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;

/** Building policies from raw configuration and running one selection, as the engine would. */
final class EvictionFixtures {

    private EvictionFixtures() {
    }

    /** A policy from alternating keys and values, validated against the provider's schema. */
    static EvictionPolicy policy(EvictionPolicyProvider provider, Object... keysAndValues) {
        Map<String, Object> raw = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            raw.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return provider.create(provider.configSchema().validate(raw));
    }

    /** The slots {@code policy} keeps of a cache with these positions and scores. */
    static int[] kept(EvictionPolicy policy, int[] positions, float[] scores, boolean endOfPrefill) {
        int[] keep = new int[positions.length];
        int numKept = policy.select(positions.length, positions, scores, endOfPrefill, keep);
        return Arrays.copyOf(keep, numKept);
    }

    /** The slots {@code policy} keeps of a cache holding positions {@code 0..numSlots-1} with these scores. */
    static int[] kept(EvictionPolicy policy, float[] scores, boolean endOfPrefill) {
        return kept(policy, range(0, scores.length), scores, endOfPrefill);
    }

    static int[] range(int from, int to) {
        int[] values = new int[to - from];
        Arrays.setAll(values, i -> from + i);
        return values;
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** {@code values} taken at the kept indices, as the engine compacts per-slot arrays. */
    static int[] compact(int[] values, int[] kept) {
        int[] compacted = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            compacted[i] = values[kept[i]];
        }
        return compacted;
    }

    static float[] compact(float[] values, int[] kept) {
        float[] compacted = new float[kept.length];
        for (int i = 0; i < kept.length; i++) {
            compacted[i] = values[kept[i]];
        }
        return compacted;
    }
}
