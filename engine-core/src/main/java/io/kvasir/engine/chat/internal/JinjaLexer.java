package io.kvasir.engine.chat.internal;

import io.kvasir.engine.chat.ChatTemplateException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies Jinja2's lexer-level whitespace rules to a template and hands Jinjava a template whose text
 * already has them applied, so Jinjava needs no whitespace handling of its own (its lstrip differs from
 * Jinja's and it ignores {@code +}).
 *
 * <p>Rules, as Jinja 3 with {@code trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False}:
 * <ul>
 *   <li>line breaks ({@code \r\n}, {@code \r}, {@code \n}) become {@code \n}, and one trailing line
 *       break is dropped;</li>
 *   <li>{@code {%-}, {@code {{-}, {@code {#-} strip all whitespace before the tag; {@code -%}},
 *       {@code -}}}, {@code -#}} strip all whitespace after it;</li>
 *   <li>lstrip_blocks: spaces and tabs between the start of a line and a block or comment tag are removed,
 *       unless the tag opens with {@code +};</li>
 *   <li>trim_blocks: the first newline after a block or comment tag is removed, unless it closes with
 *       {@code +%}};</li>
 *   <li>comments disappear; {@code raw} blocks keep their content verbatim (emitted as a string literal).</li>
 * </ul>
 * Tag boundaries follow Jinja's lexer: delimiters inside string literals or open brackets do not close a tag.
 */
final class JinjaLexer {

    private JinjaLexer() {
    }

    private enum Kind { VARIABLE, BLOCK, COMMENT, RAW }

    /** A tag with its whitespace modifiers ({@code '-'}, {@code '+'} or 0). */
    private record Tag(Kind kind, String inner, char leftModifier, char rightModifier, String rawContent,
                       char rawEndLeftModifier, char rawEndRightModifier) {
    }

    private static final Pattern END_RAW = Pattern.compile("\\{%([-+]?)\\s*endraw\\s*([-+]?)%}");
    private static final Pattern RAW = Pattern.compile("\\s*raw\\s*");

    /** Rewrites a Jinja2 template into an equivalent one for Jinjava with whitespace control resolved. */
    static String prepare(String source) {
        String text = normalizeLineBreaks(source);
        List<String> texts = new ArrayList<>();
        List<Tag> tags = new ArrayList<>();
        scan(text, texts, tags);
        applyWhitespaceRules(texts, tags);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < tags.size(); i++) {
            appendText(out, texts.get(i));
            emit(out, tags.get(i));
        }
        appendText(out, texts.getLast());
        return out.toString();
    }

    private static String normalizeLineBreaks(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < source.length() && source.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        if (!out.isEmpty() && out.charAt(out.length() - 1) == '\n') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /** Splits into text, tag, text, tag, ..., text (always one more text than tags). */
    private static void scan(String src, List<String> texts, List<Tag> tags) {
        int pos = 0;
        int n = src.length();
        while (true) {
            int start = nextTagStart(src, pos);
            if (start < 0) {
                texts.add(src.substring(pos));
                return;
            }
            texts.add(src.substring(pos, start));
            char opener = src.charAt(start + 1);
            int bodyStart = start + 2;
            char left = 0;
            if (bodyStart < n && (src.charAt(bodyStart) == '-' || src.charAt(bodyStart) == '+')) {
                left = src.charAt(bodyStart);
                bodyStart++;
            }
            if (opener == '#') {
                int end = src.indexOf("#}", bodyStart);
                if (end < 0) {
                    throw unclosed(src, start, "comment");
                }
                char right = end > bodyStart && (src.charAt(end - 1) == '-' || src.charAt(end - 1) == '+') ? src.charAt(end - 1) : 0;
                tags.add(new Tag(Kind.COMMENT, "", left, right, null, (char) 0, (char) 0));
                pos = end + 2;
                continue;
            }
            boolean block = opener == '%';
            int end = findClose(src, bodyStart, block ? '%' : '}');
            if (end < 0) {
                throw unclosed(src, start, block ? "block tag" : "expression");
            }
            char right = 0;
            int innerEnd = end;
            if (end > bodyStart && (src.charAt(end - 1) == '-' || (block && src.charAt(end - 1) == '+'))) {
                right = src.charAt(end - 1);
                innerEnd = end - 1;
            }
            String inner = src.substring(bodyStart, innerEnd);
            pos = end + 2;
            if (block && RAW.matcher(inner).matches()) {
                Matcher endRaw = END_RAW.matcher(src);
                if (!endRaw.find(pos)) {
                    throw unclosed(src, start, "raw block");
                }
                String content = src.substring(pos, endRaw.start());
                char endLeft = endRaw.group(1).isEmpty() ? 0 : endRaw.group(1).charAt(0);
                char endRight = endRaw.group(2).isEmpty() ? 0 : endRaw.group(2).charAt(0);
                tags.add(new Tag(Kind.RAW, inner, left, right, content, endLeft, endRight));
                pos = endRaw.end();
                continue;
            }
            tags.add(new Tag(block ? Kind.BLOCK : Kind.VARIABLE, inner, left, right, null, (char) 0, (char) 0));
        }
    }

    private static int nextTagStart(String src, int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char next = src.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    /** Index of the closing {@code %}} or {@code }}} at bracket depth 0 outside string literals, or -1. */
    private static int findClose(String src, int from, char closer) {
        int depth = 0;
        for (int i = from; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\'' || c == '"') {
                int close = skipString(src, i);
                if (close < 0) {
                    return -1;
                }
                i = close;
            } else if (depth == 0 && c == closer && i + 1 < src.length() && src.charAt(i + 1) == '}') {
                return i;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return -1;
    }

    /** Index of the quote that closes the string literal opening at {@code start}, or -1. */
    private static int skipString(String src, int start) {
        char quote = src.charAt(start);
        for (int i = start + 1; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return -1;
    }

    private static ChatTemplateException unclosed(String src, int at, String what) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        return new ChatTemplateException("line " + line + ": unexpected end of template, unclosed " + what);
    }

    private static void applyWhitespaceRules(List<String> texts, List<Tag> tags) {
        boolean lineStarting = true;
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            String before = texts.get(i);
            boolean stripsLines = tag.kind() != Kind.VARIABLE;
            if (tag.leftModifier() == '-') {
                before = stripEnd(before);
            } else if (stripsLines && tag.leftModifier() != '+') {
                before = lstripBlock(before, lineStarting);
            }
            texts.set(i, before);
            if (tag.kind() == Kind.RAW) {
                tags.set(i, withRawWhitespace(tag));
            }
            String after = texts.get(i + 1);
            char right = tag.kind() == Kind.RAW ? tag.rawEndRightModifier() : tag.rightModifier();
            if (right == '-') {
                int consumed = leadingWhitespace(after);
                lineStarting = consumed > 0 && after.charAt(consumed - 1) == '\n';
                after = after.substring(consumed);
            } else if (stripsLines && right != '+' && after.startsWith("\n")) {
                after = after.substring(1);
                lineStarting = true;
            } else {
                lineStarting = false;
            }
            texts.set(i + 1, after);
        }
    }

    /** Raw content: a {@code -} on {@code raw} or {@code endraw} trims it; lstrip_blocks applies before endraw. */
    private static Tag withRawWhitespace(Tag tag) {
        String content = tag.rawContent();
        boolean lineStarting = false;
        if (tag.rightModifier() == '-') {
            int consumed = leadingWhitespace(content);
            lineStarting = consumed > 0 && content.charAt(consumed - 1) == '\n';
            content = content.substring(consumed);
        }
        if (tag.rawEndLeftModifier() == '-') {
            content = stripEnd(content);
        } else if (tag.rawEndLeftModifier() != '+') {
            content = lstripBlock(content, lineStarting);
        }
        return new Tag(tag.kind(), tag.inner(), tag.leftModifier(), tag.rightModifier(), content,
                tag.rawEndLeftModifier(), tag.rawEndRightModifier());
    }

    /** lstrip_blocks: drop the whitespace-only tail of the last line when it starts a line. */
    private static String lstripBlock(String text, boolean lineStarting) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !lineStarting) {
            return text;
        }
        for (int i = lineStart; i < text.length(); i++) {
            if (!PyStrings.isWhitespace(text.charAt(i))) {
                return text;
            }
        }
        return text.substring(0, lineStart);
    }

    private static String stripEnd(String text) {
        int end = text.length();
        while (end > 0 && PyStrings.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static int leadingWhitespace(String text) {
        int i = 0;
        while (i < text.length() && PyStrings.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Appends template text. Trimming and dropped comments can leave a {@code {} right before another
     * tag's delimiter, where Jinjava would read a tag Jinja never saw; such a brace is printed as a literal.
     */
    private static void appendText(StringBuilder out, String text) {
        if (text.endsWith("{")) {
            out.append(text, 0, text.length() - 1).append(literal("{"));
        } else {
            out.append(text);
        }
    }

    private static void emit(StringBuilder out, Tag tag) {
        switch (tag.kind()) {
            case COMMENT -> {
            }
            case VARIABLE -> out.append("{{ ").append(separateBraces(tag.inner().strip())).append(" }}");
            case BLOCK -> out.append("{% ").append(separateBraces(tag.inner().strip())).append(" %}");
            case RAW -> {
                if (!tag.rawContent().isEmpty()) {
                    out.append(literal(tag.rawContent()));
                }
            }
        }
    }

    /** An expression printing the text, with every delimiter character escaped out of Jinjava's sight. */
    private static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append("{{ '");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '\'' || c == '{' || c == '}' || c == '%' || c == '#' || c < 0x20) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append("' }}").toString();
    }

    /** Splits {@code }}} outside strings into {@code } }} so Jinjava's scanner cannot end the tag early. */
    private static String separateBraces(String inner) {
        StringBuilder out = new StringBuilder(inner.length());
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\'' || c == '"') {
                int close = skipString(inner, i);
                out.append(inner, i, close + 1);
                i = close;
                continue;
            }
            out.append(c);
            if ((c == '}' || c == '%') && i + 1 < inner.length() && inner.charAt(i + 1) == '}') {
                out.append(' ');
            }
        }
        return out.toString();
    }
}
