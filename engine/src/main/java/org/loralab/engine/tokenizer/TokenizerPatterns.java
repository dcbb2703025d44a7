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
 * keeps them well below the limit. Bounded choices (an optional part, {@code {m,n}}, an
 * alternative) need no repetition to blow up: {@code a?a?…a?aa…ab} tries every way its optional
 * parts can match before it fails, 2^n of them. So the ways a sequence can match before its last
 * part that can fail are counted (a {@code ?} doubles them, {@code {m,n}} multiplies them by
 * n-m+1, a group adds up its alternatives) and must stay below {@link #MAX_WAYS}; where such a
 * sequence also holds a repetition, each way can rescan the text, so their count must stay within
 * {@link #MAX_RESCANS}. Back-references, subexpression calls, conditionals and the absent
 * operator cannot be bounded this way and are refused too. The patterns of real tokenizers
 * (GPT-2 to GPT-4o style splits of Llama 3, Qwen, Mistral, DeepSeek, gpt-oss) all pass. A
 * SentencePiece {@code Precompiled} normalizer is checked by {@link PrecompiledCharsmap}.
 */
public final class TokenizerPatterns {

    /** Longer patterns are refused: the check recurses per group, and no real tokenizer comes close. */
    public static final int MAX_PATTERN_LENGTH = 10_000;
    private static final int MAX_DEPTH = 64;
    /**
     * Ways a sequence of bounded choices (summed over alternatives) may match at one start
     * position. Oniguruma tries each before it fails, at a retry or two each: {@code a?}×n
     * {@code a}×n {@code b} exhausted its 10,000,000 retries per match attempt at n = 24 (2^24
     * ways) and not at n = 22, so 2^16 leaves a margin of 64. Real tokenizer patterns need at
     * most 16 (gpt-oss: an optional class, then 7 optional contractions).
     */
    public static final long MAX_WAYS = 1L << 16;
    /**
     * Times a sequence with a repetition may rescan the text at one start position (its bounded
     * ways times its repetitions): each rescan costs up to one retry per character, and a call
     * holds at most {@link TextTokenizer#MAX_CHARS_PER_CALL} (2^20) characters, so 4 rescans stay
     * 2.4 times below the 10,000,000 retries. Real patterns need at most 4 (Mistral Nemo, gpt-oss:
     * an optional class before two repeated letter classes).
     */
    public static final long MAX_RESCANS = 4;
    private static final long SATURATED = 1L << 40;

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
                } else if (c.getKey().equals("precompiled_charsmap") && c.getValue().isJsonPrimitive()
                        && o.has("type") && o.get("type").isJsonPrimitive()
                        && o.get("type").getAsString().equals("Precompiled")) {
                    try {
                        PrecompiledCharsmap.check(c.getValue().getAsString());
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("the " + where + " Precompiled precompiled_charsmap is refused: "
                                + ex.getMessage() + " (the native tokenizer would index outside it and abort the whole process)",
                                ex);
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
     * repeated), whether it can never fail (it can match the empty string), in how many ways its
     * bounded choices let it match ({@code ways}; {@code tried}: those a failure after it is
     * final goes through, fewer when it ends in parts that cannot fail) and how often it can
     * rescan the text ({@code rescans}: each unbounded repetition, times the ways around it).
     */
    private record Info(int degree, boolean complex, boolean neverFails, boolean repeat, long ways, long rescans,
            long tried) {
        static final Info SIMPLE = new Info(0, false, false, false, 1, 0, 1);
        static final Info EMPTY = new Info(0, false, true, false, 1, 0, 1);

        Info(int degree, boolean complex, boolean neverFails, boolean repeat, long ways, long rescans) {
            this(degree, complex, neverFails, repeat, ways, rescans, ways);
        }
    }

    private static long plus(long a, long b) {
        return Math.min(SATURATED, a + b);
    }

    private static long times(long a, long b) {
        return a == 0 || b <= SATURATED / a ? Math.min(SATURATED, a * b) : SATURATED;
    }

    /** The ways and rescans of a sequence: ways multiply; each part's rescans repeat for every way of the others. */
    private static long[] sequence(List<Info> items) {
        long ways = 1;
        long rescans = 0;
        for (Info i : items) {
            rescans = plus(times(rescans, i.ways()), times(i.rescans(), ways));
            ways = times(ways, i.ways());
        }
        return new long[] {ways, rescans};
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
            long ways = 0;
            long rescans = 0;
            long tried = 0;
            for (Info b : branches) {
                tried = plus(tried, b.tried());
                degree = Math.max(degree, b.degree());
                complex |= b.complex();
                neverFails |= b.neverFails();
                ways = plus(ways, b.ways());
                rescans = plus(rescans, b.rescans());
            }
            // Alternatives are tried one after the other at the same start position: their ways add up.
            if (tried >= MAX_WAYS) {
                throw new IllegalArgumentException((branches.size() == 1 ? "its optional parts and alternatives in a row"
                        : "its " + branches.size() + " alternatives") + " can match in " + count(tried) + " ways, "
                        + count(MAX_WAYS) + " or more (backtracking tries each before it fails)");
            }
            return new Info(degree, complex, neverFails, false, ways, rescans);
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
            // Parts after the last one that can fail are tried once: a failure never backtracks into them.
            int lastCanFail = items.size() - 1;
            while (lastCanFail >= 0 && items.get(lastCanFail).neverFails()) {
                lastCanFail--;
            }
            long[] tried = sequence(items.subList(0, lastCanFail + 1)); // its ways are checked by the alternation
            if (tried[1] > MAX_RESCANS) {
                throw new IllegalArgumentException("its optional parts and alternatives let the repetitions after them"
                        + " rescan the text " + count(tried[1]) + " times, more than " + MAX_RESCANS
                        + " (backtracking tries each way over the whole text)");
            }
            long[] all = sequence(items);
            return new Info(degree, complex, neverFails, false, all[0], all[1], tried[0]);
        }

        private static String count(long n) {
            return n >= SATURATED ? "over 2^40" : String.format("%,d", n);
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
                long ways = max == 0 ? 1 : min == 0 ? plus(atom.ways(), 1) : atom.ways();
                return new Info(atom.degree(), true, min == 0 || atom.neverFails(), false, ways, atom.rescans());
            }
            if (atom.complex() || atom.degree() > 0) {
                throw new IllegalArgumentException("the repetition at " + atomStart + " repeats a part with its own"
                        + " repetition or alternatives (backtracking grows exponentially)");
            }
            if (max >= 0) {
                // A bounded count of one character or class: max-min+1 ways, no rescans of the text.
                return new Info(0, true, min == 0, false, Math.max(1, (long) max - min + 1), 0);
            }
            return new Info(1, true, min == 0, true, 1, 1);
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
                return new Info(inner.degree(), true, false, false, inner.ways(), inner.rescans());
            }
            return new Info(inner.degree(), inner.complex() || inner.degree() > 0, inner.neverFails(), false,
                    inner.ways(), inner.rescans());
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
                    return new Info(0, true, false, false, 2, 0); // a line break or grapheme: alternatives inside
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
