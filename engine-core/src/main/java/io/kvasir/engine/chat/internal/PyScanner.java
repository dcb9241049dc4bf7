package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.ExtendedScanner;

import jinjava.de.odysseus.el.tree.impl.Scanner;

/**
 * Jinjava's expression scanner with Python's string-literal escapes (newline, tab and the other single
 * letters, two-, four- and eight-digit hex escapes, octal, and unknown escapes kept as written), which is
 * what Jinja's {@code unicode-escape} decoding of literals gives.
 */
final class PyScanner extends ExtendedScanner {

    PyScanner(String input) {
        super(input);
    }

    @Override
    protected Scanner.Token nextString() throws ScanException {
        String input = getInput();
        int start = getPosition();
        char quote = input.charAt(start);
        builder.setLength(0);
        int i = start + 1;
        while (i < input.length()) {
            char c = input.charAt(i++);
            if (c == quote) {
                return token(Symbol.STRING, builder.toString(), i - start);
            }
            if (c != '\\' || i >= input.length()) {
                builder.append(c);
                continue;
            }
            char e = input.charAt(i++);
            switch (e) {
                case 'n' -> builder.append('\n');
                case 't' -> builder.append('\t');
                case 'r' -> builder.append('\r');
                case 'b' -> builder.append('\b');
                case 'f' -> builder.append('\f');
                case 'v' -> builder.append('\u000b');
                case 'a' -> builder.append('\u0007');
                case '\\', '\'', '"' -> builder.append(e);
                case '\n' -> {
                    // A backslash before a line break continues the literal on the next line.
                }
                case 'x' -> i = appendHex(input, i, 2, start);
                case 'u' -> i = appendHex(input, i, 4, start);
                case 'U' -> i = appendHex(input, i, 8, start);
                default -> {
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        int digits = 1;
                        while (digits < 3 && i < input.length() && input.charAt(i) >= '0' && input.charAt(i) <= '7') {
                            value = value * 8 + (input.charAt(i++) - '0');
                            digits++;
                        }
                        builder.append((char) value);
                    } else {
                        builder.append('\\').append(e);
                    }
                }
            }
        }
        throw new ScanException(start, "unterminated string", String.valueOf(quote));
    }

    private int appendHex(String input, int from, int numDigits, int start) throws ScanException {
        if (from + numDigits > input.length()) {
            throw new ScanException(start, "truncated hex escape", "hex digits");
        }
        try {
            builder.appendCodePoint(Integer.parseInt(input, from, from + numDigits, 16));
        } catch (IllegalArgumentException e) {
            throw new ScanException(start, "invalid hex escape", "hex digits");
        }
        return from + numDigits;
    }
}
