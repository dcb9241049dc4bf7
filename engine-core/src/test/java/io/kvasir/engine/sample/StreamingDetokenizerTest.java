package io.kvasir.engine.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The randomized checks below are property tests written as seeded loops over many generated cases, so
 * every run checks the same cases and a failure names the case to replay.
 */
class StreamingDetokenizerTest {

    private static final String FFFD = "\uFFFD";

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** Feeds every piece, then flushes; returns the chunks (flush last). */
    private static List<String> decodeAll(byte[]... pieces) {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer();
        List<String> chunks = new ArrayList<>();
        for (byte[] piece : pieces) {
            chunks.add(detokenizer.push(piece));
        }
        chunks.add(detokenizer.flush());
        return chunks;
    }

    @Test
    void holdsAnEmojiSplitAcrossTokensUntilItIsComplete() {
        byte[] emoji = "\uD83D\uDE00".getBytes(UTF_8);
        assertThat(emoji).hasSize(4);
        assertThat(decodeAll(new byte[] {'a', emoji[0]}, new byte[] {emoji[1], emoji[2]}, new byte[] {emoji[3], 'b'}))
                .containsExactly("a", "", "\uD83D\uDE00b", "");
        assertThat(decodeAll(new byte[] {emoji[0]}, new byte[] {emoji[1]}, new byte[] {emoji[2]}, new byte[] {emoji[3]}))
                .containsExactly("", "", "", "\uD83D\uDE00", "");
    }

    @Test
    void holdsCjkCharactersSplitAcrossTokens() {
        byte[] text = "日本語".getBytes(UTF_8);
        assertThat(decodeAll(Arrays.copyOfRange(text, 0, 2), Arrays.copyOfRange(text, 2, 7),
                Arrays.copyOfRange(text, 7, 9)))
                .containsExactly("", "日本", "語", "");
    }

    @Test
    void reportsPendingBytes() {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer();
        detokenizer.push(bytes(0xE6));
        assertThat(detokenizer.hasPendingBytes()).isTrue();
        detokenizer.push(bytes(0x97, 0xA5));
        assertThat(detokenizer.hasPendingBytes()).isFalse();
    }

    @Test
    void flushTurnsAnIncompleteCharacterIntoOneReplacement() {
        assertThat(decodeAll(bytes('x', 0xF0, 0x9F, 0x98))).containsExactly("x", FFFD);
        assertThat(decodeAll(bytes(0xE6, 0x97))).containsExactly("", FFFD);
    }

    @Test
    void bytesThatCanNeverBeValidBecomeReplacementCharacters() {
        assertThat(String.join("", decodeAll(bytes(0xFF, 'a')))).isEqualTo(FFFD + "a");
        assertThat(String.join("", decodeAll(bytes(0x80, 0xBF)))).as("lone continuations").isEqualTo(FFFD + FFFD);
        assertThat(String.join("", decodeAll(bytes(0xC0, 0x80)))).as("overlong NUL").isEqualTo(FFFD + FFFD);
        assertThat(String.join("", decodeAll(bytes(0xED, 0xA0, 0x80)))).as("encoded surrogate")
                .isEqualTo(FFFD + FFFD + FFFD);
        assertThat(String.join("", decodeAll(bytes(0xF4, 0x90, 0x80, 0x80)))).as("past U+10FFFF")
                .isEqualTo(FFFD + FFFD + FFFD + FFFD);
        assertThat(String.join("", decodeAll(bytes(0xE6, 0x97), bytes('a')))).as("truncated, then ASCII")
                .isEqualTo(FFFD + "a");
        assertThat(String.join("", decodeAll(bytes(0xF0, 0x9F), bytes(0xE6, 0x97, 0xA5))))
                .as("truncated, then a new character").isEqualTo(FFFD + "日");
    }

    @Test
    void emptyTokensAndSlicesEmitNothing() {
        StreamingDetokenizer detokenizer = new StreamingDetokenizer();
        assertThat(detokenizer.push(new byte[0])).isEmpty();
        assertThat(detokenizer.push(bytes('x', 'h', 'i', 'y'), 1, 3)).isEqualTo("hi");
        assertThat(detokenizer.flush()).isEmpty();
    }

    @Test
    void anySplitOfAnyBytesDecodesLikeTheWholeArrayAtOnce() {
        Random random = new Random(21);
        int numComparedWithJdk = 0;
        for (int trial = 0; trial < 5_000; trial++) {
            byte[] all = randomBytes(random, random.nextInt(40));
            String decoded = decode(randomSplit(random, all));
            assertThat(decoded).as("trial %d: %s", trial, Arrays.toString(all)).isEqualTo(decode(List.of(all)));
            if (!hasEncodedSurrogate(all)) {
                assertThat(decoded).as("trial %d: %s", trial, Arrays.toString(all)).isEqualTo(new String(all, UTF_8));
                numComparedWithJdk++;
            }
        }
        assertThat(numComparedWithJdk).isGreaterThan(4_000);
    }

    @Test
    void replacesEachByteOfAnEncodedSurrogateWhereTheJdkReplacesThePrefixOnce() {
        assertThat(decode(List.of(bytes(0xED, 0xBF, 0xBF)))).isEqualTo(FFFD + FFFD + FFFD);
        assertThat(new String(bytes(0xED, 0xBF, 0xBF), UTF_8)).isEqualTo(FFFD);
        assertThat(decode(List.of(bytes(0xED, 0x9F, 0xBF)))).as("the last code point before the surrogates")
                .isEqualTo("\uD7FF");
    }

    private static String decode(List<byte[]> pieces) {
        StringBuilder text = new StringBuilder();
        StreamingDetokenizer detokenizer = new StreamingDetokenizer();
        for (byte[] piece : pieces) {
            text.append(detokenizer.push(piece));
        }
        return text.append(detokenizer.flush()).toString();
    }

    /** ED followed by A0..BF: where the JDK's decoder and Unicode's recommended practice differ. */
    private static boolean hasEncodedSurrogate(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0xED && (bytes[i + 1] & 0xFF) >= 0xA0 && (bytes[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    @Test
    void validTextIsNeverSplitInsideACharacter() {
        Random random = new Random(22);
        for (int trial = 0; trial < 2_000; trial++) {
            String original = randomText(random, random.nextInt(20));
            List<byte[]> pieces = randomSplit(random, original.getBytes(UTF_8));
            StringBuilder text = new StringBuilder();
            StreamingDetokenizer detokenizer = new StreamingDetokenizer();
            for (byte[] piece : pieces) {
                String chunk = detokenizer.push(piece);
                assertThat(chunk.isEmpty() || !Character.isHighSurrogate(chunk.charAt(chunk.length() - 1)))
                        .as("trial %d ends a chunk inside a surrogate pair", trial).isTrue();
                assertThat(chunk).doesNotContain(FFFD);
                text.append(chunk);
            }
            assertThat(detokenizer.flush()).isEmpty();
            assertThat(text.toString()).isEqualTo(original);
        }
    }

    /** Mostly bytes that matter to UTF-8 (lead bytes, continuations, boundary values), some ASCII. */
    private static byte[] randomBytes(Random random, int length) {
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
            out.write(random.nextInt(3) == 0 ? random.nextInt(256) : interesting[random.nextInt(interesting.length)]);
        }
        return out.toByteArray();
    }

    /** ASCII, Latin, CJK and astral code points. */
    static String randomText(Random random, int numCodePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < numCodePoints; i++) {
            int kind = random.nextInt(4);
            int codePoint = switch (kind) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> 0xA0 + random.nextInt(0x700);
                case 2 -> 0x4E00 + random.nextInt(0x5000);
                default -> 0x1F300 + random.nextInt(0x300);
            };
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    /** Cuts the bytes into consecutive pieces of 0 to 5 bytes. */
    private static List<byte[]> randomSplit(Random random, byte[] all) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        while (at < all.length) {
            int length = Math.min(random.nextInt(6), all.length - at);
            pieces.add(Arrays.copyOfRange(all, at, at + length));
            at += length;
        }
        return pieces;
    }
}
