package org.loralab.engine.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses the regular expressions of a {@code tokenizer.json} (Split pre-tokenizers, Replace
 * normalizers and decoders) whose backtracking can blow up, before the native tokenizer sees them.
 * The Rust tokenizers library matches them with Oniguruma, which gives up after 10 million
 * backtracking steps at one start position; the binding then panics inside JNI and the JVM
 * aborts. A pattern passes when every repetition repeats one character, class or fixed group
 * (no repetition or alternative inside a repetition: {@code (a|aa)+}, {@code (a+)*}) and no
 * sequence holds repetitions that multiply their steps ({@code \s*\s*\S}): the steps at one start
 * position then grow at most linearly with the text, and {@link TextTokenizer#MAX_CHARS_PER_CALL}
 * keeps them well below the limit. Back-references, subexpression calls, conditionals and the
 * absent operator cannot be bounded this way and are refused too. The patterns of real tokenizers
 * (GPT-2 to GPT-4o style splits of Llama 3, Qwen, Mistral, DeepSeek, gpt-oss) all pass.
 */
public final class TokenizerPatterns {

    /** Longer patterns are refused: the check recurses per group, and no real tokenizer comes close. */
    public static final int MAX_PATTERN_LENGTH = 10_000;
    private static final int MAX_DEPTH = 64;

    private TokenizerPatterns() {
    }

    /** Checks every {@code "Regex"} pattern outside the model's vocabulary and the added tokens. */
    public static void check(JsonObject tokenizerJson) {
        for (Map.Entry<String, JsonElement> e : tokenizerJson.entrySet()) {
            if (!e.getKey().equals("model") && !e.getKey().equals("added_tokens")) {
                walk(e.getValue(), e.getKey());
            }
        }
    }

    private static void walk(JsonElement e, String where) {
        if (e instanceof JsonObject o) {
            for (Map.Entry<String, JsonElement> c : o.entrySet()) {
                if (c.getKey().equals("Regex") && c.getValue().isJsonPrimitive()) {
                    String p = c.getValue().getAsString();
                    try {
                        checkPattern(p);
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("the " + where + " pattern " + quote(p)
                                + " is refused: " + ex.getMessage()
                                + " (such a pattern can make the native tokenizer abort the whole process)", ex);
                    }
                } else {
                    walk(c.getValue(), where);
                }
            }
        } else if (e instanceof JsonArray a) {
            for (JsonElement c : a) {
                walk(c, where);
            }
        }
    }

    private static String quote(String p) {
        String s = p.length() > 200 ? p.substring(0, 200) + "…" : p;
        return "'" + s + "'";
    }

    /** Throws IllegalArgumentException saying why {@code pattern} can backtrack without bound. */
    public static void checkPattern(String pattern) {
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("it is " + pattern.length() + " characters long, over the "
                    + MAX_PATTERN_LENGTH + " allowed");
        }
        Parser p = new Parser(pattern);
        p.alternation(0);
        if (p.pos < pattern.length()) {
            throw new IllegalArgumentException("unbalanced ')' at " + p.pos);
        }
    }

    /**
     * What the check knows of a piece of pattern: how many repetitions it puts in a row (their
     * steps multiply), whether it holds an alternative or a quantifier (then it must not be
     * repeated), and whether it can never fail (it can match the empty string).
     */
    private record Info(int degree, boolean complex, boolean neverFails, boolean repeat) {
        static final Info SIMPLE = new Info(0, false, false, false);
        static final Info EMPTY = new Info(0, false, true, false);
    }

    private static final class Parser {
        private final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        private boolean more() {
            return pos < s.length();
        }

        private char peek() {
            return s.charAt(pos);
        }

        Info alternation(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("groups nest deeper than " + MAX_DEPTH);
            }
            List<Info> branches = new ArrayList<>();
            branches.add(concat(depth));
            while (more() && peek() == '|') {
                pos++;
                branches.add(concat(depth));
            }
            int degree = 0;
            boolean complex = branches.size() > 1;
            boolean neverFails = false;
            for (Info b : branches) {
                degree = Math.max(degree, b.degree());
                complex |= b.complex();
                neverFails |= b.neverFails();
            }
            return new Info(degree, complex, neverFails, false);
        }

        private Info concat(int depth) {
            List<Info> items = new ArrayList<>();
            while (more() && peek() != '|' && peek() != ')') {
                int start = pos;
                Info atom = atom(depth);
                items.add(quantified(atom, start));
            }
            int degree = 0;
            boolean complex = false;
            boolean neverFails = true;
            for (Info i : items) {
                degree += i.degree();
                complex |= i.complex();
                neverFails &= i.neverFails();
            }
            // A repetition followed only by parts that cannot fail never backtracks into the ones before it.
            int effective = degree;
            for (int k = items.size() - 1; k >= 0; k--) {
                if (items.get(k).repeat()) {
                    effective--;
                    break;
                }
                if (!items.get(k).neverFails()) {
                    break;
                }
            }
            if (effective > 1) {
                throw new IllegalArgumentException(degree + " repetitions in a row can backtrack into each other"
                        + " (steps grow with a power of the text's length)");
            }
            return new Info(degree, complex, neverFails, false);
        }

        private Info quantified(Info atom, int atomStart) {
            if (!more()) {
                return atom;
            }
            int min;
            int max; // -1: unbounded
            char c = peek();
            if (c == '*') {
                min = 0;
                max = -1;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = -1;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && interval()) {
                int close = s.indexOf('}', pos);
                String body = s.substring(pos + 1, close);
                pos = close + 1;
                int comma = body.indexOf(',');
                if (comma < 0) {
                    min = max = bound(body);
                } else {
                    min = comma == 0 ? 0 : bound(body.substring(0, comma));
                    max = comma == body.length() - 1 ? -1 : bound(body.substring(comma + 1));
                }
            } else {
                return atom;
            }
            if (more() && (peek() == '?' || peek() == '+')) {
                pos++; // lazy or possessive: the same steps in the worst case
            }
            if (more() && (peek() == '*' || peek() == '+' || peek() == '?' || (peek() == '{' && interval()))) {
                throw new IllegalArgumentException("a repeated repetition at " + atomStart);
            }
            if (max >= 0 && max <= 1) {
                return new Info(atom.degree(), true, min == 0 || atom.neverFails(), false);
            }
            if (atom.complex() || atom.degree() > 0) {
                throw new IllegalArgumentException("the repetition at " + atomStart + " repeats a part with its own"
                        + " repetition or alternatives (backtracking grows exponentially)");
            }
            return new Info(1, true, min == 0, true);
        }

        private static int bound(String digits) {
            return digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        }

        /** Whether the '{' at pos starts {n}, {n,}, {,m} or {n,m}; otherwise Oniguruma reads it as a literal. */
        private boolean interval() {
            int close = s.indexOf('}', pos);
            if (close < 0) {
                return false;
            }
            return s.substring(pos + 1, close).matches("\\d+|\\d+,|,\\d+|\\d+,\\d+");
        }

        private Info atom(int depth) {
            char c = peek();
            switch (c) {
                case '(':
                    return group(depth);
                case '[':
                    characterClass();
                    return Info.SIMPLE;
                case '\\':
                    return escape();
                case '*', '+', '?':
                    throw new IllegalArgumentException("a quantifier with nothing to repeat at " + pos);
                case '^', '$':
                    pos++;
                    return Info.SIMPLE;
                default:
                    pos += Character.charCount(s.codePointAt(pos));
                    return Info.SIMPLE;
            }
        }

        private Info group(int depth) {
            int start = pos;
            pos++; // (
            boolean lookaround = false;
            if (more() && peek() == '?') {
                pos++;
                if (!more()) {
                    throw new IllegalArgumentException("an unterminated group at " + start);
                }
                char k = peek();
                if (k == ':' || k == '>') {
                    pos++;
                } else if (k == '=' || k == '!') {
                    pos++;
                    lookaround = true;
                } else if (k == '<' && pos + 1 < s.length() && (s.charAt(pos + 1) == '=' || s.charAt(pos + 1) == '!')) {
                    pos += 2;
                    lookaround = true;
                } else if (k == '<' || k == '\'') {
                    int end = s.indexOf(k == '<' ? '>' : '\'', pos + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("an unterminated group name at " + start);
                    }
                    pos = end + 1;
                } else if (k == '#') {
                    int end = s.indexOf(')', pos);
                    if (end < 0) {
                        throw new IllegalArgumentException("an unterminated comment at " + start);
                    }
                    pos = end + 1;
                    return Info.EMPTY;
                } else if (Character.isLetter(k) || k == '-') {
                    int q = pos;
                    while (q < s.length() && (Character.isLetter(s.charAt(q)) || s.charAt(q) == '-')) {
                        q++;
                    }
                    String flags = s.substring(pos, q);
                    if (!flags.matches("[imw-]+")) {
                        throw new IllegalArgumentException("the group options (?" + flags + " at " + start
                                + " are not supported by the check (only i, m, w)");
                    }
                    if (q < s.length() && s.charAt(q) == ')') {
                        pos = q + 1;
                        return Info.EMPTY;
                    }
                    if (q >= s.length() || s.charAt(q) != ':') {
                        throw new IllegalArgumentException("an unknown group at " + start);
                    }
                    pos = q + 1;
                } else {
                    throw new IllegalArgumentException("the group (?" + k + " at " + start
                            + " (conditional, absent operator or other) is not supported");
                }
            }
            Info inner = alternation(depth + 1);
            if (!more() || peek() != ')') {
                throw new IllegalArgumentException("an unterminated group at " + start);
            }
            pos++;
            if (lookaround) {
                // A look-around can fail, and it repeats its own steps at each position it is tried.
                return new Info(inner.degree(), true, false, false);
            }
            return new Info(inner.degree(), inner.complex() || inner.degree() > 0, inner.neverFails(), false);
        }

        private void characterClass() {
            int start = pos;
            int depth = 0;
            pos++; // [
            if (more() && peek() == '^') {
                pos++;
            }
            if (more() && peek() == ']') {
                pos++; // a ']' right after '[' or '[^' is literal
            }
            while (more()) {
                char c = peek();
                if (c == '\\') {
                    pos += 2;
                } else if (c == '[') {
                    if (s.startsWith("[:", pos)) {
                        int end = s.indexOf(":]", pos + 2);
                        pos = end < 0 ? pos + 1 : end + 2;
                    } else {
                        depth++;
                        pos++;
                    }
                } else if (c == ']') {
                    pos++;
                    if (depth == 0) {
                        return;
                    }
                    depth--;
                } else {
                    pos++;
                }
            }
            throw new IllegalArgumentException("an unterminated character class at " + start);
        }

        private Info escape() {
            int start = pos;
            pos++;
            if (!more()) {
                throw new IllegalArgumentException("a trailing backslash");
            }
            char c = peek();
            pos++;
            if (c >= '1' && c <= '9') {
                throw new IllegalArgumentException("the back-reference at " + start + " cannot be bounded");
            }
            switch (c) {
                case 'k', 'g':
                    throw new IllegalArgumentException("the back-reference or subexpression call \\" + c + " at "
                            + start + " cannot be bounded");
                case 'R', 'X':
                    return new Info(0, true, false, false); // a line break or grapheme: alternatives inside
                case 'p', 'P', 'x', 'o':
                    if (more() && peek() == '{') {
                        int end = s.indexOf('}', pos);
                        if (end < 0) {
                            throw new IllegalArgumentException("an unterminated \\" + c + "{ at " + start);
                        }
                        pos = end + 1;
                    } else if (c == 'x') {
                        skipHex(2);
                    }
                    return Info.SIMPLE;
                case 'u':
                    skipHex(4);
                    return Info.SIMPLE;
                case 'c':
                    pos = Math.min(s.length(), pos + 1);
                    return Info.SIMPLE;
                case 'C', 'M':
                    pos = Math.min(s.length(), pos + 2);
                    return Info.SIMPLE;
                default:
                    if (Character.isHighSurrogate(c) && more()) {
                        pos++;
                    }
                    return Info.SIMPLE;
            }
        }

        private void skipHex(int n) {
            for (int i = 0; i < n && more() && Character.digit(peek(), 16) >= 0; i++) {
                pos++;
            }
        }
    }
}
