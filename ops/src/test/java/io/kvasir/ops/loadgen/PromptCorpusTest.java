package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.testing.SeededRuns;

class PromptCorpusTest {

    @Test
    void countsWordsPunctuationAndDigitsAsTokenishPieces() {
        assertThat(PromptCorpus.countTokenish("The cat sat.")).isEqualTo(4);
        assertThat(PromptCorpus.countTokenish("  grandfather's 2024  ")).isEqualTo(2 + 1 + 1 + 4);
        assertThat(PromptCorpus.countTokenish("")).isZero();
    }

    @Test
    void promptsHaveExactlyTheAskedNumberOfPieces() {
        PromptCorpus corpus = PromptCorpus.builtIn();
        SeededRuns.check(200, run -> {
            int tokens = run.intBetween(1, 2_000);
            run.setup(tokens + " tokens");
            String text = corpus.text(tokens, run.random());
            assertThat(text).isNotBlank().isEqualTo(text.strip());
            // The built-in sentences have no word over 16 letters, so the budget is always met exactly.
            assertThat(PromptCorpus.countTokenish(text)).isEqualTo(tokens);
        });
    }

    @Test
    void aBudgetSmallerThanEveryWordStillGivesText() {
        PromptCorpus corpus = PromptCorpus.parse("Extraordinarily long words everywhere.\n");
        String text = corpus.text(1, new SplittableRandom(1));
        assertThat(text).isNotBlank();
    }

    @Test
    void theBuiltInCorpusIsRealTextAndSkipsComments() {
        PromptCorpus corpus = PromptCorpus.builtIn();
        assertThat(corpus.numSentences()).isGreaterThan(100);
        assertThat(PromptCorpus.parse("# note\n\nOne.\n  Two.  \n").numSentences()).isEqualTo(2);
        assertThatThrownBy(() -> PromptCorpus.parse("# only a comment\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> corpus.text(0, new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameSeedGivesTheSamePromptsAndDifferentSeedsDiffer() {
        PromptCorpus corpus = PromptCorpus.builtIn();
        assertThat(corpus.text(200, new SplittableRandom(5))).isEqualTo(corpus.text(200, new SplittableRandom(5)));
        assertThat(corpus.text(200, new SplittableRandom(5))).isNotEqualTo(corpus.text(200, new SplittableRandom(6)));
    }

    @Test
    void aWorkloadSharesOneSystemPromptAcrossRequests() {
        Workload workload = new Workload(PromptCorpus.builtIn(), new LengthDistribution.Fixed(20),
                new LengthDistribution.Uniform(3, 9), 50, 7);
        SplittableRandom random = new SplittableRandom(1);
        PlannedRequest first = workload.next(0, random);
        PlannedRequest second = workload.next(1, random);
        assertThat(first.systemPrompt()).isNotNull().isEqualTo(second.systemPrompt());
        assertThat(PromptCorpus.countTokenish(first.systemPrompt())).isEqualTo(50);
        assertThat(PromptCorpus.countTokenish(first.prompt())).isEqualTo(20);
        assertThat(first.maxTokens()).isBetween(3, 9);
        assertThat(second.tenantIndex()).isEqualTo(1);
        assertThat(new Workload(PromptCorpus.builtIn(), new LengthDistribution.Fixed(5), new LengthDistribution.Fixed(5), 0, 7)
                .next(0, random).systemPrompt()).isNull();
    }
}
