package io.kvasir.engine.chat.internal;

/**
 * Rewrites template source into what Jinjava should parse so that whitespace comes out as Jinja2 produces it.
 *
 * <ul>
 *   <li>Line endings become {@code \n}, as Jinja2's lexer normalises them.
 *   <li>One trailing newline is dropped ({@code keep_trailing_newline=False}).
 *   <li>{@code lstrip_blocks}: spaces and tabs between the start of a line and a block tag or comment are removed,
 *       unless the tag opens with {@code {%+}. Jinjava's own option strips whitespace before any tag, also in the
 *       middle of a line ({@code "a {% if x %}"} loses its space), so it stays off and this does the job.
 * </ul>
 *
 * <p>Only text outside tags, expressions, comments and raw sections is touched; the scan knows where those end,
 * including quotes inside tags.
 */
final class JinjaSource {
    private JinjaSource() {}

    static String normalize(String source) {
        String text = source.replace("\r\n", "\n").replace('\r', '\n');
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return lstripBlocks(text);
    }

    private static String lstripBlocks(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < n && (s.charAt(i + 1) == '%' || s.charAt(i + 1) == '#')) {
                boolean comment = s.charAt(i + 1) == '#';
                boolean keepIndent = i + 2 < n && s.charAt(i + 2) == '+';
                if (!keepIndent) {
                    stripIndent(out);
                }
                int end = comment ? endOfComment(s, i + 2) : endOfTag(s, i + 2, "%}");
                out.append("{").append(s.charAt(i + 1));
                int bodyStart = keepIndent ? i + 3 : i + 2;
                out.append(s, bodyStart, end);
                i = end;
                if (!comment && isRawTag(s, bodyStart, end)) {
                    int endraw = findEndRaw(s, i);
                    out.append(s, i, endraw);
                    i = endraw;
                }
            } else if (c == '{' && i + 1 < n && s.charAt(i + 1) == '{') {
                int end = endOfTag(s, i + 2, "}}");
                out.append(s, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Removes the spaces and tabs at the end of {@code out} when only they follow the last newline. */
    private static void stripIndent(StringBuilder out) {
        int j = out.length();
        while (j > 0 && (out.charAt(j - 1) == ' ' || out.charAt(j - 1) == '\t')) {
            j--;
        }
        if (j == 0 || out.charAt(j - 1) == '\n') {
            out.setLength(j);
        }
    }

    /** Index just past the closing {@code close} of a tag or expression, skipping quoted text; the end if unclosed. */
    private static int endOfTag(String s, int from, String close) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (s.startsWith(close, i)) {
                return i + close.length();
            }
        }
        return s.length();
    }

    private static int endOfComment(String s, int from) {
        int end = s.indexOf("#}", from);
        return end < 0 ? s.length() : end + 2;
    }

    private static boolean isRawTag(String s, int bodyStart, int end) {
        String body = s.substring(bodyStart, Math.max(bodyStart, end - 2)).strip();
        if (body.startsWith("-")) {
            body = body.substring(1).strip();
        }
        if (body.endsWith("-")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return body.equals("raw");
    }

    /** Index of the {@code {%} that opens the matching {@code endraw} tag; the end if there is none. */
    private static int findEndRaw(String s, int from) {
        int i = from;
        while (true) {
            int open = s.indexOf("{%", i);
            if (open < 0) {
                return s.length();
            }
            int end = endOfTag(s, open + 2, "%}");
            String body = s.substring(open + 2, Math.max(open + 2, end - 2)).replace("-", " ").replace("+", " ").strip();
            if (body.equals("endraw")) {
                return open;
            }
            i = open + 2;
        }
    }
}
