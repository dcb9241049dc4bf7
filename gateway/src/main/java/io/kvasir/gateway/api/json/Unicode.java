package io.kvasir.gateway.api.json;

/** Checks and repairs of UTF-16 text at the edges of the gateway. */
public final class Unicode {

    private Unicode() {
    }

    /** The index of the first surrogate that is not part of a pair, or -1 when the text is valid Unicode. */
    public static int indexOfLoneSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** The text with every lone surrogate replaced by U+FFFD; the same instance when there is none. */
    public static String repairLoneSurrogates(String s) {
        int first = indexOfLoneSurrogate(s);
        if (first < 0) {
            return s;
        }
        StringBuilder repaired = new StringBuilder(s.length()).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                repaired.append(c).append(s.charAt(++i));
            } else {
                repaired.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return repaired.toString();
    }
}
