package io.kvasir.engine.chat.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies Jinja2's whitespace rules to template source, so Jinjava parses text whose whitespace is already what
 * Jinja2 would output, with every whitespace-control marker removed.
 *
 * <ul>
 *   <li>Line endings become {@code \n}, and one trailing newline is dropped ({@code keep_trailing_newline=False}).
 *   <li>{@code {%-}, {@code {{-}, {@code {#-} strip all whitespace before the tag; {@code -%}}, {@code -}}},
 *       {@code -#}} all whitespace after it.
 *   <li>{@code trim_blocks}: the first newline after a block tag or comment is removed (not after {@code +%}}).
 *   <li>{@code lstrip_blocks}: spaces and tabs from the start of a line to a block tag or comment are removed (not
 *       before {@code {%+}).
 *   <li>Comments are removed once their whitespace effects are applied; raw sections are copied as they are.
 * </ul>
 *
 * <p>Jinjava's own trimming differs in ways templates show: its {@code lstrip_blocks} strips before tags in the
 * middle of a line, and its {@code -%}} also strips text that follows a comment. It is therefore switched off and
 * this rewrite does the work. Line numbers are kept: only spaces, tabs and newlines that Jinja2 would drop go.
 */
final class JinjaSource {
    private JinjaSource() {}

    private enum Kind { TEXT, BLOCK, VARIABLE, COMMENT }

    /** A piece of source: text, or a tag with its body and whitespace-control signs ('-', '+' or 0). */
    private static final class Piece {
        final Kind kind;
        String text;
        final char leftSign;
        final char rightSign;
        boolean lineStarting;

        Piece(Kind kind, String text, char leftSign, char rightSign) {
            this.kind = kind;
            this.text = text;
            this.leftSign = leftSign;
            this.rightSign = rightSign;
        }
    }

    static String normalize(String source) {
        String text = source.replace("\r\n", "\n").replace('\r', '\n');
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        List<Piece> pieces = split(text);
        applyWhitespaceControl(pieces);
        StringBuilder out = new StringBuilder(text.length());
        for (int k = 0; k < pieces.size(); k++) {
            Piece piece = pieces.get(k);
            switch (piece.kind) {
                case TEXT -> {
                    // Stripping can bring a '{' right up to a tag ("{\n{%- x %}" becomes "{{% x %}"), which would
                    // open an expression; print that brace instead.
                    if (k + 1 < pieces.size() && piece.text.endsWith("{")) {
                        out.append(piece.text, 0, piece.text.length() - 1).append("{{ '{' }}");
                    } else {
                        out.append(piece.text);
                    }
                }
                case BLOCK -> out.append("{%").append(piece.text).append("%}");
                case VARIABLE -> out.append("{{").append(piece.text).append("}}");
                case COMMENT -> {
                    // An empty comment keeps the line count, so Jinjava's error line numbers stay right.
                    int numNewlines = countNewlines(piece.text);
                    if (numNewlines > 0) {
                        out.append("{#").append("\n".repeat(numNewlines)).append("#}");
                    }
                }
            }
        }
        return out.toString();
    }

    private static void applyWhitespaceControl(List<Piece> pieces) {
        for (int k = 0; k < pieces.size(); k++) {
            Piece tag = pieces.get(k);
            if (tag.kind == Kind.TEXT) {
                continue;
            }
            Piece before = k > 0 ? pieces.get(k - 1) : null;
            Piece after = k + 1 < pieces.size() ? pieces.get(k + 1) : null;
            boolean blockOrComment = tag.kind == Kind.BLOCK || tag.kind == Kind.COMMENT;
            if (before != null && before.kind == Kind.TEXT) {
                if (tag.leftSign == '-') {
                    before.text = before.text.stripTrailing();
                } else if (tag.leftSign != '+' && blockOrComment) {
                    int lineStart = before.text.lastIndexOf('\n') + 1;
                    if ((lineStart > 0 || before.lineStarting) && isBlank(before.text, lineStart)) {
                        before.text = before.text.substring(0, lineStart);
                    }
                }
            }
            if (after != null && after.kind == Kind.TEXT) {
                if (tag.rightSign == '-') {
                    String stripped = after.text.stripLeading();
                    after.lineStarting = after.text.length() > stripped.length()
                            && after.text.charAt(after.text.length() - stripped.length() - 1) == '\n';
                    after.text = stripped;
                } else if (tag.rightSign != '+' && blockOrComment && after.text.startsWith("\n")) {
                    after.text = after.text.substring(1);
                    after.lineStarting = true;
                }
            }
        }
    }

    private static boolean isBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int countNewlines(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Splits source into text and tags; the text of a raw section stays one text piece. */
    private static List<Piece> split(String s) {
        List<Piece> pieces = new ArrayList<>();
        Piece first = new Piece(Kind.TEXT, "", (char) 0, (char) 0);
        first.lineStarting = true;
        int textStart = 0;
        int i = 0;
        boolean inRaw = false;
        while (i < s.length() - 1) {
            char next = s.charAt(i + 1);
            if (s.charAt(i) != '{' || (next != '%' && next != '{' && next != '#')) {
                i++;
                continue;
            }
            Kind kind = next == '%' ? Kind.BLOCK : next == '{' ? Kind.VARIABLE : Kind.COMMENT;
            String close = kind == Kind.BLOCK ? "%}" : kind == Kind.VARIABLE ? "}}" : "#}";
            int end = kind == Kind.COMMENT ? endOfComment(s, i + 2) : endOfTag(s, i + 2, close);
            int bodyStart = i + 2;
            int bodyEnd = Math.max(bodyStart, end - close.length());
            char leftSign = bodyStart < bodyEnd && isSign(s.charAt(bodyStart)) ? s.charAt(bodyStart) : 0;
            char rightSign = bodyEnd > bodyStart + (leftSign != 0 ? 1 : 0) && isSign(s.charAt(bodyEnd - 1))
                    ? s.charAt(bodyEnd - 1) : 0;
            String body = s.substring(bodyStart + (leftSign != 0 ? 1 : 0), bodyEnd - (rightSign != 0 ? 1 : 0));
            if (inRaw && !(kind == Kind.BLOCK && body.strip().equals("endraw"))) {
                i = i + 2;
                continue;
            }
            addText(pieces, s.substring(textStart, i), pieces.isEmpty());
            pieces.add(new Piece(kind, body, leftSign, rightSign));
            if (kind == Kind.BLOCK) {
                String name = body.strip();
                inRaw = name.equals("raw") || (inRaw && !name.equals("endraw"));
            }
            i = end;
            textStart = end;
        }
        addText(pieces, s.substring(textStart), pieces.isEmpty());
        return pieces;
    }

    private static void addText(List<Piece> pieces, String text, boolean atStart) {
        Piece piece = new Piece(Kind.TEXT, text, (char) 0, (char) 0);
        piece.lineStarting = atStart;
        pieces.add(piece);
    }

    private static boolean isSign(char c) {
        return c == '-' || c == '+';
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
}
