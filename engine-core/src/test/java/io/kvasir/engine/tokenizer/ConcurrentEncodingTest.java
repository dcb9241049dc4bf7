package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** One tokenizer instance serves many threads: results equal the single-threaded ones. */
class ConcurrentEncodingTest {

    @Test
    void encodesTheSameFromManyThreadsAtOnce() throws Exception {
        for (String name : List.of("ggml-vocab-llama-spm", "ggml-vocab-gpt-2")) {
            Tokenizer tokenizer = VocabVectors.tokenizer(name);
            List<VocabVectors.Case> cases = VocabVectors.cases(name);
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int round = 0; round < 8; round++) {
                    for (VocabVectors.Case c : cases) {
                        results.add(pool.submit(() -> Arrays.equals(
                                tokenizer.encode(c.text(), false, false), c.expected())));
                    }
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get()).as(name).isTrue();
                }
            }
        }
    }
}
