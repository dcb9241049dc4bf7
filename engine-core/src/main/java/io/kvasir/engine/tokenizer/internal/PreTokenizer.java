package io.kvasir.engine.tokenizer.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Splits text into the pieces byte-level BPE merges within, by the regex list llama.cpp uses for a
 * {@code tokenizer.ggml.pre} type.
 *
 * <p>The regexes run one after another: each splits every piece the previous one produced, and text
 * between two matches becomes a piece of its own (as llama.cpp's splitter keeps gaps). A piece is matched
 * on its own: lookahead and anchors stop at its bounds, as Java's default opaque, anchoring region bounds do.
 *
 * <p>Regexes are written as in llama.cpp; {@code \s} and {@code \S} are rewritten to the Unicode
 * White_Space property, which is exactly the whitespace table llama.cpp matches with (Java's own {@code \s}
 * is ASCII only). {@code \p{L}}, {@code \p{N}} and {@code \p{P}} are Unicode general categories in both.
 * Patterns are compiled once per type.
 */
public final class PreTokenizer {

    private static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    private record Definition(List<String> regexes, boolean ignoreMerges, boolean addBosByDefault) {
    }

    private static final Map<String, Definition> DEFINITIONS = definitions();

    private final String type;
    private final Pattern[] patterns;
    private final boolean ignoreMerges;
    private final boolean addBosByDefault;

    private PreTokenizer(String type, Definition definition) {
        this.type = type;
        this.patterns = definition.regexes().stream().map(PreTokenizer::compile).toArray(Pattern[]::new);
        this.ignoreMerges = definition.ignoreMerges();
        this.addBosByDefault = definition.addBosByDefault();
    }

    /** The pre-tokenizer for a {@code tokenizer.ggml.pre} value, or null when the type is not supported. */
    public static @Nullable PreTokenizer forType(String type) {
        Definition definition = DEFINITIONS.get(type);
        return definition == null ? null : new PreTokenizer(type, definition);
    }

    /** The supported {@code tokenizer.ggml.pre} values, in a stable order. */
    public static Set<String> supportedTypes() {
        return DEFINITIONS.keySet();
    }

    public String type() {
        return type;
    }

    /** Whether a whole piece that is itself a token is emitted without merging (Llama 3). */
    public boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** llama.cpp's default for {@code add_bos_token} when the file does not set it. */
    public boolean addBosByDefault() {
        return addBosByDefault;
    }

    /** One matcher per pattern, for one encode call (matchers are not thread-safe). */
    public Matcher[] newMatchers(String text) {
        Matcher[] matchers = new Matcher[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            matchers[i] = patterns[i].matcher(text);
        }
        return matchers;
    }

    /**
     * Splits {@code text[from, to)}: on return {@code ends} holds the end offset of each piece, in order
     * (the first piece starts at {@code from}).
     *
     * @param matchers from {@link #newMatchers} for the same text
     * @param ends receives the piece ends (cleared first)
     * @param scratch working list (cleared and overwritten)
     */
    public void split(Matcher[] matchers, int from, int to, IntList ends, IntList scratch) {
        ends.clear();
        ends.add(to);
        IntList current = ends;
        IntList next = scratch;
        for (Matcher matcher : matchers) {
            next.clear();
            int start = from;
            for (int p = 0, n = current.size(); p < n; p++) {
                int end = current.get(p);
                splitPiece(matcher, start, end, next);
                start = end;
            }
            IntList swap = current;
            current = next;
            next = swap;
        }
        if (current != ends) {
            ends.clear();
            for (int p = 0, n = current.size(); p < n; p++) {
                ends.add(current.get(p));
            }
        }
    }

    private static void splitPiece(Matcher matcher, int start, int end, IntList out) {
        matcher.region(start, end);
        int previousEnd = start;
        while (matcher.find()) {
            int matchStart = matcher.start();
            int matchEnd = matcher.end();
            if (matchEnd == matchStart) {
                continue;
            }
            if (matchStart > previousEnd) {
                out.add(matchStart);
            }
            out.add(matchEnd);
            previousEnd = matchEnd;
        }
        if (previousEnd < end) {
            out.add(end);
        }
    }

    private static Pattern compile(String llamaRegex) {
        String java = llamaRegex.replace("\\s", "\\p{IsWhite_Space}").replace("\\S", "\\P{IsWhite_Space}");
        return Pattern.compile(java);
    }

    private static Map<String, Definition> definitions() {
        Map<String, Definition> map = new LinkedHashMap<>();
        Definition defaults = new Definition(List.of(
                "[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"), false, false);
        Definition gpt2 = new Definition(List.of(GPT2), false, false);
        Definition starcoder = new Definition(List.of("\\p{N}", GPT2), false, false);
        Definition falcon = new Definition(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false);
        Definition deepseekCoder = new Definition(
                List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"), false, false);
        Definition llama3 = new Definition(List.of(LLAMA3), true, true);
        Definition llama3Regex = new Definition(List.of(LLAMA3), false, false);
        Definition qwen2 = new Definition(List.of(QWEN2), false, false);

        map.put("default", defaults);
        for (String name : List.of("gpt-2", "phi-2", "mpt", "olmo", "jais")) {
            map.put(name, gpt2);
        }
        for (String name : List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral")) {
            map.put(name, llama3);
        }
        for (String name : List.of("dbrx", "smaug-bpe")) {
            map.put(name, llama3Regex);
        }
        for (String name : List.of("qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan")) {
            map.put(name, qwen2);
        }
        for (String name : List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b")) {
            map.put(name, starcoder);
        }
        map.put("deepseek-coder", deepseekCoder);
        map.put("falcon", falcon);
        return map;
    }
}
