package io.kvasir.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Tenant API keys: {@code kv-} followed by 43 base64url characters (256 random bits).
 *
 * <p>Only the SHA-256 of a key is stored. A fast hash is enough here, unlike for passwords: a key carries
 * 256 bits of entropy, so no dictionary or brute-force search over hashes can find one, and a fast hash lets
 * every request be checked with one index lookup by hash. Keys supplied from outside
 * ({@code KVASIR_DEMO_TENANT_KEY}) must carry at least 32 characters of the same alphabet.
 */
public final class ApiKeys {

    /** What every Kvasir API key starts with. */
    public static final String PREFIX = "kv-";
    /** How many characters of a key are kept for display. */
    public static final int DISPLAY_PREFIX_LENGTH = 10;

    private static final Pattern FORMAT = Pattern.compile("kv-[A-Za-z0-9_-]{32,128}");
    private static final int KEY_BYTES = 32;

    private ApiKeys() {
    }

    /** A new random key. */
    public static String generate() {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(RandomTokens.bytes(KEY_BYTES));
    }

    /** Whether {@code candidate} has the shape of a key (says nothing about whether it is valid). */
    public static boolean wellFormed(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }

    /** The lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The first characters of a key, safe to show and log. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(DISPLAY_PREFIX_LENGTH, key.length()));
    }

    /** Compares two hex hashes in time independent of where they differ. */
    public static boolean hashesEqual(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
