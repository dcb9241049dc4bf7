package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void generatedKeysAreWellFormedDistinctAndCarry256Bits() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = ApiKeys.generate();
            assertThat(key).startsWith("kv-").hasSize(3 + 43);
            assertThat(ApiKeys.wellFormed(key)).isTrue();
            keys.add(key);
        }
        assertThat(keys).hasSize(200);
    }

    @Test
    void hashIsHexSha256AndDiffersForNearMissKeys() {
        String key = ApiKeys.generate();
        String nearMiss = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertThat(ApiKeys.hash(key)).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(ApiKeys.hash(key));
        assertThat(ApiKeys.hash(nearMiss)).isNotEqualTo(ApiKeys.hash(key));
        assertThat(ApiKeys.hashesEqual(ApiKeys.hash(key), ApiKeys.hash(key))).isTrue();
        assertThat(ApiKeys.hashesEqual(ApiKeys.hash(key), ApiKeys.hash(nearMiss))).isFalse();
    }

    @Test
    void malformedCandidatesAreRefusedBeforeAnyLookup() {
        assertThat(ApiKeys.wellFormed(null)).isFalse();
        assertThat(ApiKeys.wellFormed("")).isFalse();
        assertThat(ApiKeys.wellFormed("kv-short")).isFalse();
        assertThat(ApiKeys.wellFormed("sk-" + "a".repeat(43))).isFalse();
        assertThat(ApiKeys.wellFormed("kv-" + "a".repeat(42) + "/")).isFalse();
        assertThat(ApiKeys.wellFormed("kv-" + "a".repeat(129))).isFalse();
        assertThat(ApiKeys.wellFormed("kv-" + "a".repeat(32))).isTrue();
    }

    @Test
    void displayPrefixIsTooShortToUse() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.displayPrefix(key)).hasSize(ApiKeys.DISPLAY_PREFIX_LENGTH).isEqualTo(key.substring(0, 10));
    }
}
