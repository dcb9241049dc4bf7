package io.kvasir.engine.sample;

import java.util.Objects;

/**
 * Turns a stream of token bytes ({@code Tokenizer.tokenBytes(id)}) into text chunks that never split a
 * UTF-8 character.
 *
 * <p>Bytes of a character that is not complete yet are held until the bytes that complete it arrive.
 * Bytes that can never become valid UTF-8 become U+FFFD, one per maximal ill-formed subpart (Unicode's
 * recommended practice, as in Python, ICU and the WHATWG decoder). The result does not depend on how
 * the bytes are split into tokens: the concatenation of every chunk and {@link #flush()} equals
 * decoding all the bytes at once. It equals {@code new String(bytes, UTF_8)} except for encoded
 * surrogates ({@code ED A0..BF xx}), which the JDK replaces with one U+FFFD and this class with one per
 * byte. Nothing here throws on any input.
 *
 * <p>Invariants: {@code numMissingBytes} is 0 between characters, else 1 to 3; the next byte continues
 * the held character only if it lies in {@code [lowerBound, upperBound]}.
 */
public final class StreamingDetokenizer {

    private static final char REPLACEMENT = '\uFFFD';

    private final StringBuilder text = new StringBuilder(32);
    private int codePoint;
    private int numMissingBytes;
    private int lowerBound = 0x80;
    private int upperBound = 0xBF;

    /** A decoder with nothing held. */
    public StreamingDetokenizer() {
    }

    /** Decodes one token's bytes; returns the text completed so far (possibly empty). */
    public String push(byte[] tokenBytes) {
        return push(tokenBytes, 0, tokenBytes.length);
    }

    /** Decodes {@code bytes[fromIndex .. toIndex)}; returns the text completed so far (possibly empty). */
    public String push(byte[] bytes, int fromIndex, int toIndex) {
        Objects.checkFromToIndex(fromIndex, toIndex, bytes.length);
        for (int i = fromIndex; i < toIndex; i++) {
            decode(bytes[i] & 0xFF);
        }
        return drain();
    }

    /** Ends the stream: a held incomplete character becomes U+FFFD. The decoder can then be reused. */
    public String flush() {
        if (numMissingBytes > 0) {
            text.append(REPLACEMENT);
            endSequence();
        }
        return drain();
    }

    /** Whether bytes of an incomplete character are held. */
    public boolean hasPendingBytes() {
        return numMissingBytes > 0;
    }

    private void decode(int b) {
        if (numMissingBytes == 0) {
            startSequence(b);
            return;
        }
        if (b < lowerBound || b > upperBound) {
            // The held bytes are a maximal ill-formed subpart; this byte may start the next character.
            text.append(REPLACEMENT);
            endSequence();
            startSequence(b);
            return;
        }
        codePoint = (codePoint << 6) | (b & 0x3F);
        lowerBound = 0x80;
        upperBound = 0xBF;
        if (--numMissingBytes == 0) {
            text.appendCodePoint(codePoint);
        }
    }

    /** Bounds on the second byte rule out overlong forms, surrogates and code points past U+10FFFF. */
    private void startSequence(int b) {
        if (b < 0x80) {
            text.append((char) b);
        } else if (b >= 0xC2 && b <= 0xDF) {
            codePoint = b & 0x1F;
            numMissingBytes = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            codePoint = b & 0x0F;
            numMissingBytes = 2;
            if (b == 0xE0) {
                lowerBound = 0xA0;
            } else if (b == 0xED) {
                upperBound = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            codePoint = b & 0x07;
            numMissingBytes = 3;
            if (b == 0xF0) {
                lowerBound = 0x90;
            } else if (b == 0xF4) {
                upperBound = 0x8F;
            }
        } else {
            text.append(REPLACEMENT);
        }
    }

    private void endSequence() {
        numMissingBytes = 0;
        codePoint = 0;
        lowerBound = 0x80;
        upperBound = 0xBF;
    }

    private String drain() {
        if (text.isEmpty()) {
            return "";
        }
        String chunk = text.toString();
        text.setLength(0);
        return chunk;
    }
}
