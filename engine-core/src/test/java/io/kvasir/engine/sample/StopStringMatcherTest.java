package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Pushes every chunk and flushes; returns the chunks (flush last). */
    private static List<String> run(StopStringMatcher matcher, String... chunks) {
        List<String> emitted = new ArrayList<>();
        for (String chunk : chunks) {
            emitted.add(matcher.push(chunk));
        }
        emitted.add(matcher.flush());
        return emitted;
    }

    @Test
    void findsAStopStringSpanningChunksAndEmitsOnlyTheTextBeforeIt() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("</answer>"));
        assertThat(run(matcher, "The answer is 42</an", "swer> and more"))
                .containsExactly("The answer is 42", "", "");
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.matchedStopString()).isEqualTo("</answer>");
    }

    @Test
    void holdsBackAPossibleStartAndReleasesItWhenItIsNotOne() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));
        assertThat(matcher.push("go ST")).isEqualTo("go ");
        assertThat(matcher.push("O")).isEmpty();
        assertThat(matcher.push("RM")).isEqualTo("STORM");
        assertThat(matcher.stopped()).isFalse();
        assertThat(matcher.matchedStopString()).isNull();
    }

    @Test
    void flushReleasesHeldTextWhenTheStreamEndsWithoutAStop() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("\n\n"));
        assertThat(run(matcher, "line\n")).containsExactly("line", "\n");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void emitsNothingAfterAStop() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("x"));
        assertThat(matcher.push("abxcd")).isEqualTo("ab");
        assertThat(matcher.push("more")).isEmpty();
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void findsAStopWhosePrefixRepeatsInTheText() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("aab"));
        assertThat(run(matcher, "a", "a", "a", "b")).containsExactly("", "", "a", "", "");
        assertThat(matcher.stopped()).isTrue();
    }

    @Test
    void theStopThatEndsFirstWinsAndTheLongestOnATie() {
        StopStringMatcher endsFirst = new StopStringMatcher(List.of("abcd", "bc"));
        assertThat(endsFirst.push("xabcd")).isEqualTo("xa");
        assertThat(endsFirst.matchedStopString()).isEqualTo("bc");

        StopStringMatcher tie = new StopStringMatcher(List.of("c", "abc"));
        assertThat(tie.push("xabc")).isEqualTo("x");
        assertThat(tie.matchedStopString()).isEqualTo("abc");
    }

    @Test
    void aStopAtTheVeryStartEmitsNothing() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("Hi"));
        assertThat(run(matcher, "Hi there")).containsExactly("", "");
        assertThat(matcher.stopped()).isTrue();
    }

    @Test
    void passesTextThroughWithoutStopStrings() {
        StopStringMatcher matcher = new StopStringMatcher(List.of());
        assertThat(run(matcher, "a", "", "bc")).containsExactly("a", "", "bc", "");
    }

    @Test
    void neverEmitsHalfASurrogatePair() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("zz"));
        assertThat(matcher.push("a\uD83D")).isEqualTo("a");
        assertThat(matcher.push("\uDE00b")).isEqualTo("\uD83D\uDE00b");
    }

    @Test
    void matchesStopStringsMadeOfAstralCharacters() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("\uD83D\uDED1"));
        assertThat(run(matcher, "ok \uD83D\uDE00 \uD83D", "\uDED1 no")).containsExactly("ok \uD83D\uDE00 ", "", "");
    }

    @Test
    void rejectsEmptyStopStrings() {
        assertThatThrownBy(() -> new StopStringMatcher(List.of("a", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stop[1]");
    }

    /** Property, over seeded random cases: any split of any text emits exactly the text before the first stop. */
    @Test
    void anySplitEmitsExactlyTheTextBeforeTheFirstStop() {
        Random random = new Random(31);
        int numStopped = 0;
        for (int trial = 0; trial < 5_000; trial++) {
            String text = randomString(random, random.nextInt(30));
            List<String> stops = new ArrayList<>();
            int numStops = random.nextInt(4);
            for (int i = 0; i < numStops; i++) {
                stops.add(randomString(random, 1 + random.nextInt(4)));
            }
            StopStringMatcher matcher = new StopStringMatcher(stops);
            StringBuilder emitted = new StringBuilder();
            int at = 0;
            while (at < text.length()) {
                int length = Math.min(random.nextInt(5), text.length() - at);
                emitted.append(matcher.push(text.substring(at, at + length)));
                at += length;
            }
            emitted.append(matcher.flush());
            String expected = textBeforeFirstStop(text, stops);
            assertThat(emitted.toString()).as("trial %d: %s with stops %s", trial, text, stops).isEqualTo(expected);
            assertThat(matcher.stopped()).isEqualTo(stops.stream().anyMatch(text::contains));
            if (matcher.stopped()) {
                numStopped++;
            }
        }
        assertThat(numStopped).as("cases that hit a stop string").isBetween(500, 4_500);
    }

    /** Reference: scan end positions; the first one ending a stop string decides (the longest on a tie). */
    private static String textBeforeFirstStop(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            String prefix = text.substring(0, end);
            int longest = 0;
            for (String stop : stops) {
                if (prefix.endsWith(stop)) {
                    longest = Math.max(longest, stop.length());
                }
            }
            if (longest > 0) {
                return text.substring(0, end - longest);
            }
        }
        return text;
    }

    private static String randomString(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("ab\n".charAt(random.nextInt(3)));
        }
        return s.toString();
    }
}
