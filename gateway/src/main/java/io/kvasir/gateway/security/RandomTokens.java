package io.kvasir.gateway.security;

import java.security.SecureRandom;

/** Random strings from a {@link SecureRandom}: ids, passwords, key material. Thread-safe. */
public final class RandomTokens {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    /** {@code length} characters drawn uniformly from {@code [0-9A-Za-z]} (5.95 bits each). */
    public static String base62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return new String(out);
    }

    /** {@code numBytes} random bytes. */
    public static byte[] bytes(int numBytes) {
        byte[] out = new byte[numBytes];
        RANDOM.nextBytes(out);
        return out;
    }
}
