package org.loralab.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Bridges the Python-isms of HF chat templates to Jinjava: {@code s.startswith(x)} becomes the
 * filter call {@code (s|py_startswith(x))}, {@code xs[::-1]} becomes {@code (xs|reverse)}, and
 * {@code raise_exception(msg)} fails the render with the template's own message.
 */
final class PythonStringMethods {

    private static final Set<String> METHODS = Set.of(
            "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "upper", "lower", "replace", "title");

    private PythonStringMethods() {}

    static void register(Jinjava jinjava) {
        add(jinjava, "startswith", (s, a) -> s.startsWith(arg(a, 0, "")));
        add(jinjava, "endswith", (s, a) -> s.endsWith(arg(a, 0, "")));
        add(jinjava, "strip", (s, a) -> strip(s, arg(a, 0, null)));
        add(jinjava, "lstrip", (s, a) -> stripLeft(s, arg(a, 0, null)));
        add(jinjava, "rstrip", (s, a) -> stripRight(s, arg(a, 0, null)));
        add(jinjava, "split", (s, a) -> split(s, arg(a, 0, null)));
        add(jinjava, "upper", (s, a) -> s.toUpperCase(java.util.Locale.ROOT));
        add(jinjava, "lower", (s, a) -> s.toLowerCase(java.util.Locale.ROOT));
        add(jinjava, "title", (s, a) -> title(s));
        add(jinjava, "replace", (s, a) -> s.replace(arg(a, 0, ""), arg(a, 1, "")));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                PythonStringMethods.class, "raiseException", String.class));
    }

    private static final ThreadLocal<String> RAISED = new ThreadLocal<>();

    /** Called by templates as {@code raise_exception(msg)}; Jinjava wraps the error, so the message is kept aside. */
    public static String raiseException(String message) {
        // jinja2 stops at the first raise; Jinjava renders on, so a later raise must not replace it.
        if (RAISED.get() == null) {
            RAISED.set(message);
        }
        throw new IllegalArgumentException("chat template: " + message);
    }

    /** The message of the last {@code raise_exception} on this thread, cleared by reading it. */
    static String takeRaisedMessage() {
        String m = RAISED.get();
        RAISED.remove();
        return m;
    }

    private static void add(Jinjava jinjava, String name, BiFunction<String, String[], Object> fn) {
        jinjava.getGlobalContext().registerFilter(new Filter() {
            @Override
            public String getName() {
                return "py_" + name;
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                return fn.apply(var == null ? "" : var.toString(), args);
            }
        });
    }

    private static String arg(String[] args, int i, String def) {
        return args != null && args.length > i && args[i] != null ? args[i] : def;
    }

    /** Python's {@code str.strip(chars)}; no chars: Python's whitespace. */
    static String strip(String s, String chars) {
        return stripRight(stripLeft(s, chars), chars);
    }

    private static String stripLeft(String s, String chars) {
        int i = 0;
        while (i < s.length() && (chars == null ? Jinja2Source.isPySpace(s.charAt(i)) : chars.indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        return s.substring(i);
    }

    private static String stripRight(String s, String chars) {
        int i = s.length();
        while (i > 0 && (chars == null ? Jinja2Source.isPySpace(s.charAt(i - 1)) : chars.indexOf(s.charAt(i - 1)) >= 0)) {
            i--;
        }
        return s.substring(0, i);
    }

    private static List<String> split(String s, String sep) {
        if (sep == null) {
            // Python's split(): runs of Python whitespace, none at the ends.
            List<String> words = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                while (i < s.length() && Jinja2Source.isPySpace(s.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < s.length() && !Jinja2Source.isPySpace(s.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    words.add(s.substring(start, i));
                }
            }
            return words;
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at;
        while ((at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return b.toString();
    }

    static String translateExpression(String expr) {
        String e = parenthesizeNot(parenthesizeNamespaceArguments(expr.replace("[::-1]", "|reverse")));
        // Rewrite the leftmost method call first, then rescan: chained calls nest naturally.
        while (true) {
            int[] call = findMethodCall(e);
            if (call == null) {
                return e;
            }
            int receiverStart = call[0];
            int dot = call[1];
            int argsOpen = call[2];
            int argsClose = matching(e, argsOpen);
            String receiver = e.substring(receiverStart, dot);
            String method = e.substring(dot + 1, argsOpen);
            String args = e.substring(argsOpen + 1, argsClose).trim();
            String replacement = "(" + receiver + "|py_" + method + (args.isEmpty() ? "" : "(" + args + ")") + ")";
            e = e.substring(0, receiverStart) + replacement + e.substring(argsClose + 1);
        }
    }

    /**
     * In Jinja2 {@code not} binds looser than comparisons, tests and filters ({@code not x is defined} is
     * {@code not (x is defined)}); Jinjava binds it to the next operand. Each prefix {@code not} (not the
     * {@code is not} test or the {@code not in} operator) gets its operand in parentheses, up to the next
     * top-level {@code and}, {@code or}, {@code if}, {@code else}, comma or closing bracket.
     */
    static String parenthesizeNot(String e) {
        StringBuilder out = new StringBuilder(e);
        int from = 0;
        while (true) {
            int at = nextWord(out, "not", from);
            if (at < 0) {
                return out.toString();
            }
            from = at + 3;
            if ("is".equals(previousWord(out, at)) || "in".equals(nextWordAfter(out, at + 3))) {
                continue;
            }
            int start = at + 3;
            int end = operandEnd(out, start);
            if (out.substring(start, end).isBlank()) {
                continue;
            }
            out.insert(end, ')');
            out.insert(start, " (");
        }
    }

    /** Index of {@code word} as a whole word outside string literals, at or after {@code from}, or -1. */
    private static int nextWord(CharSequence s, String word, int from) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(s, i);
                continue;
            }
            if (i >= from && startsWord(s, i, word)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWord(CharSequence s, int i, String word) {
        if (i + word.length() > s.length() || !s.subSequence(i, i + word.length()).toString().equals(word)) {
            return false;
        }
        boolean before = i == 0 || !isNameChar(s.charAt(i - 1));
        boolean after = i + word.length() == s.length() || !isNameChar(s.charAt(i + word.length()));
        return before && after;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    private static String previousWord(CharSequence s, int at) {
        int i = at - 1;
        while (i >= 0 && Character.isWhitespace(s.charAt(i))) {
            i--;
        }
        int end = i + 1;
        while (i >= 0 && isNameChar(s.charAt(i))) {
            i--;
        }
        return s.subSequence(i + 1, end).toString();
    }

    private static String nextWordAfter(CharSequence s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        return s.subSequence(start, i).toString();
    }

    /** End of the operand of a prefix {@code not} starting at {@code from}. */
    private static int operandEnd(CharSequence s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(s, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth-- == 0) {
                    return trimEnd(s, i);
                }
            } else if (depth == 0 && (c == ',' || startsWord(s, i, "and") || startsWord(s, i, "or")
                    || startsWord(s, i, "if") || startsWord(s, i, "else"))) {
                return trimEnd(s, i);
            }
        }
        return trimEnd(s, s.length());
    }

    /**
     * The index of the quote that closes the string literal opening at {@code open} (a backslash
     * escapes the next character), or the end of {@code s} when it is not closed.
     */
    static int literalEnd(CharSequence s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        return s.length();
    }

    private static int trimEnd(CharSequence s, int end) {
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /**
     * Jinjava binds {@code namespace(a=xs|length - 1)} as {@code (a=xs|length) - 1}; Jinja2 binds the
     * whole expression to {@code a}. Wrapping each keyword value in parentheses restores Jinja2's reading.
     */
    private static String parenthesizeNamespaceArguments(String e) {
        int at = e.indexOf("namespace(");
        if (at < 0) {
            return e;
        }
        int open = at + "namespace".length();
        int close = matching(e, open);
        StringBuilder args = new StringBuilder();
        for (String arg : splitTopLevel(e.substring(open + 1, close))) {
            int eq = arg.indexOf('=');
            if (args.length() > 0) {
                args.append(", ");
            }
            args.append(eq > 0 ? arg.substring(0, eq).trim() + "=(" + arg.substring(eq + 1).trim() + ")" : arg.trim());
        }
        return e.substring(0, open + 1) + args + ")" + parenthesizeNamespaceArguments(e.substring(close + 1));
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(s, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (!s.substring(start).isBlank()) {
            parts.add(s.substring(start));
        }
        return parts;
    }

    /** Finds {@code receiver.method(} outside string literals; returns {receiverStart, dot, openParen}. */
    private static int[] findMethodCall(String e) {
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(e, i);
                continue;
            }
            if (c != '.') {
                continue;
            }
            int j = i + 1;
            while (j < e.length() && Character.isJavaIdentifierPart(e.charAt(j))) {
                j++;
            }
            if (j < e.length() && e.charAt(j) == '(' && METHODS.contains(e.substring(i + 1, j))) {
                return new int[] {receiverStart(e, i), i, j};
            }
        }
        return null;
    }

    private static int receiverStart(String e, int dot) {
        int i = dot - 1;
        while (i >= 0) {
            char c = e.charAt(i);
            if (c == ')' || c == ']') {
                i = matchingBackward(e, i) - 1;
            } else if (Character.isJavaIdentifierPart(c) || c == '.') {
                i--;
            } else if (c == '\'' || c == '"') {
                i = e.lastIndexOf(c, i - 1) - 1;
            } else {
                break;
            }
        }
        return i + 1;
    }

    private static int matching(String e, int open) {
        int depth = 0;
        for (int i = open; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '\'' || c == '"') {
                i = literalEnd(e, i);
            } else if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("chat template: unbalanced brackets in '" + e + "'");
    }

    private static int matchingBackward(String e, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = e.charAt(i);
            if (c == ')' || c == ']') {
                depth++;
            } else if ((c == '(' || c == '[') && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("chat template: unbalanced brackets in '" + e + "'");
    }
}
