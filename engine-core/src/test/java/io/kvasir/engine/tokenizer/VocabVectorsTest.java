package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every llama.cpp tokenizer test vector in shared/vocab, file by file. */
class VocabVectorsTest {

    static final List<String> FILES = VocabVectors.FILES;

    @ParameterizedTest
    @FieldSource("FILES")
    void encodesEveryTestTextToTheIdsLlamaCppProduces(String name) {
        Tokenizer tokenizer = VocabVectors.tokenizer(name);
        List<VocabVectors.Case> cases = VocabVectors.cases(name);
        List<String> failures = new ArrayList<>();
        for (VocabVectors.Case c : cases) {
            int[] actual = tokenizer.encode(c.text(), false, false);
            if (!Arrays.equals(actual, c.expected())) {
                failures.add("#" + c.number() + " " + quote(c.text()) + "\n  expected " + Arrays.toString(c.expected())
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        System.out.printf("%s: %d/%d texts pass%n", name, cases.size() - failures.size(), cases.size());
        assertThat(failures).as(name).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("FILES")
    void decodesEncodedTestTextsBackToTheText(String name) {
        Tokenizer tokenizer = VocabVectors.tokenizer(name);
        List<String> failures = new ArrayList<>();
        for (VocabVectors.Case c : VocabVectors.cases(name)) {
            String decoded = tokenizer.decode(tokenizer.encode(c.text(), false, false));
            if (!decoded.equals(c.text())) {
                failures.add("#" + c.number() + " " + quote(c.text()) + " decoded as " + quote(decoded));
            }
        }
        assertThat(failures).as(name).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("FILES")
    void decodesTheExpectedIdsToTheTestText(String name) {
        Tokenizer tokenizer = VocabVectors.tokenizer(name);
        List<String> failures = new ArrayList<>();
        for (VocabVectors.Case c : VocabVectors.cases(name)) {
            String decoded = tokenizer.decode(c.expected());
            if (!decoded.equals(c.text())) {
                failures.add("#" + c.number() + " " + quote(c.text()) + " decoded as " + quote(decoded));
            }
        }
        assertThat(failures).as(name).isEmpty();
    }

    private static String quote(String text) {
        return "'" + text.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
