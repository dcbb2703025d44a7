package org.loralab.engine.tokenizer;

/**
 * Applies Jinja2's lexer rules for whitespace the way transformers configures them ({@code trim_blocks=True,
 * lstrip_blocks=True}, {@code keep_trailing_newline=False}) and hands Jinjava a template whose text between
 * tags is already final: Jinjava's own trimming differs from Jinja2's (comments, {@code {{-}, lstrip after a
 * trimmed newline), so it is switched off and done here instead, following jinja2/lexer.py rule by rule.
 * Tag contents go through {@link PythonStringMethods#translateExpression}; transformers' {@code {% generation %}}
 * block only records offsets, so its two tags are dropped and the body renders in place.
 */
final class Jinja2Source {

    private Jinja2Source() {}

    /** The template as transformers renders it: trim_blocks and lstrip_blocks on. */
    static String toJinjava(String source) {
        return toJinjava(source, true, true);
    }

    static String toJinjava(String source, boolean trimBlocks, boolean lstripBlocks) {
        // Jinja2 splits the source on \r\n, \r and \n, joins with \n, and drops one trailing newline.
        String src = source.replace("\r\n", "\n").replace('\r', '\n');
        if (src.endsWith("\n")) {
            src = src.substring(0, src.length() - 1);
        }
        StringBuilder out = new StringBuilder(src.length());
        boolean neighbours = src.contains("loop.previtem") || src.contains("loop.nextitem");
        java.util.ArrayDeque<String> loops = new java.util.ArrayDeque<>();
        int loopCount = 0;
        int pos = 0;
        boolean lineStarting = true;
        int n = src.length();
        while (pos < n) {
            int open = nextTagStart(src, pos);
            if (open < 0) {
                out.append(src, pos, n);
                break;
            }
            String text = src.substring(pos, open);
            char kind = src.charAt(open + 1);
            int p = open + 2;
            char sign = p < n && (src.charAt(p) == '-' || src.charAt(p) == '+') ? src.charAt(p) : 0;
            if (sign == '-') {
                text = rstrip(text);
            } else if (sign != '+' && lstripBlocks && kind != '{') {
                // lstrip_blocks: spaces and tabs from the line start up to a block or comment tag.
                int lineStart = text.lastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && onlySpacesAndTabs(text, lineStart)) {
                    text = text.substring(0, lineStart);
                }
            }
            out.append(text);
            if (sign != 0) {
                p++;
            }
            int end;
            if (kind == '#') {
                end = commentEnd(src, p, trimBlocks);
            } else {
                int[] close = tagEnd(src, p, kind == '{' ? "}}" : "%}", kind == '%', trimBlocks);
                String inner = src.substring(p, close[0]);
                end = close[1];
                if (neighbours) {
                    inner = loopNeighbours(inner, loops.peek());
                }
                if (kind == '{') {
                    // What jinja2 prints is str(value): True, ['a'], {'k': 1}; Jinjava's toString differs.
                    out.append("{{ ").append(Jinja2Filters.OUTPUT_FUNCTION).append("(")
                            .append(PythonStringMethods.translateExpression(inner)).append(") }}");
                } else if (!isGenerationTag(inner)) {
                    java.util.regex.Matcher loop = SIMPLE_FOR.matcher(inner);
                    if (neighbours && loop.matches()) {
                        // Jinjava's loop has no previtem/nextitem: iterate a named list and index it instead.
                        String items = "loralab_loop_items_" + loopCount++;
                        loops.push(items);
                        out.append("{% set ").append(items).append(" = ")
                                .append(PythonStringMethods.translateExpression(loop.group(2))).append(" %}");
                        inner = " for " + loop.group(1) + " in " + items + " ";
                    } else if (neighbours && inner.strip().equals("endfor") && !loops.isEmpty()) {
                        loops.pop();
                    } else if (neighbours && inner.strip().startsWith("for ")) {
                        loops.push("");
                    }
                    out.append("{%").append(PythonStringMethods.translateExpression(inner)).append("%}");
                }
            }
            lineStarting = src.charAt(end - 1) == '\n';
            pos = end;
        }
        return out.toString();
    }

    /**
     * Names used as filters ({@code x | name}) in a translated template's tags, outside string literals:
     * jinja2 rejects an unknown filter when it compiles the template, Jinjava would print nothing.
     */
    static java.util.Set<String> filterNames(String translated) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        int pos = 0;
        while (true) {
            int open = nextTagStart(translated, pos);
            if (open < 0) {
                return names;
            }
            String close = translated.charAt(open + 1) == '{' ? "}}" : "%}";
            int i = open + 2;
            for (; i < translated.length() && !translated.startsWith(close, i); i++) {
                char c = translated.charAt(i);
                if (c == '\'' || c == '"') {
                    i = stringEnd(translated, i);
                } else if (c == '|') {
                    int j = i + 1;
                    while (j < translated.length() && translated.charAt(j) == ' ') {
                        j++;
                    }
                    int start = j;
                    while (j < translated.length() && (Character.isLetterOrDigit(translated.charAt(j)) || translated.charAt(j) == '_')) {
                        j++;
                    }
                    if (j > start) {
                        names.add(translated.substring(start, j));
                    }
                }
            }
            pos = i + 2;
        }
    }

    /** {@code for target in iterable} without a loop filter or {@code recursive}, which are left alone. */
    private static final java.util.regex.Pattern SIMPLE_FOR = java.util.regex.Pattern.compile(
            "\\s*for\\s+(.+?)\\s+in\\s+(?!.*\\s(?:if|recursive)\\s)(.+?)\\s*", java.util.regex.Pattern.DOTALL);

    /** {@code loop.previtem} / {@code loop.nextitem} as indexes into the named list the loop iterates. */
    private static String loopNeighbours(String inner, String items) {
        if (items == null || items.isEmpty()) {
            return inner;
        }
        return inner
                .replace("loop.previtem", "(loop.index0 > 0 ? " + items + "[loop.index0 - 1] : null)")
                .replace("loop.nextitem", "(loop.revindex0 > 0 ? " + items + "[loop.index0 + 1] : null)");
    }

    private static boolean isGenerationTag(String inner) {
        String t = inner.strip();
        return t.equals("generation") || t.equals("endgeneration");
    }

    /** The first of {@code {{}, {@code {%} or {@code {#} at or after {@code from}. */
    private static int nextTagStart(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** End (exclusive) of a comment begun before {@code from}: {@code +#}}, {@code -#}} plus whitespace, or {@code #}} plus one newline. */
    private static int commentEnd(String s, int from, boolean trimBlocks) {
        for (int i = from; i + 1 < s.length(); i++) {
            if (s.startsWith("+#}", i)) {
                return i + 3;
            }
            if (s.startsWith("-#}", i)) {
                return skipSpace(s, i + 3);
            }
            if (s.startsWith("#}", i)) {
                return trimBlocks && i + 2 < s.length() && s.charAt(i + 2) == '\n' ? i + 3 : i + 2;
            }
        }
        throw new IllegalArgumentException("chat template: missing end of comment tag");
    }

    /**
     * Finds the end of a {@code {{ }}} or {@code {% %}} tag outside string literals and open brackets (Jinja2
     * ignores end markers while brackets are unbalanced). Returns {inner end, tag end}: {@code -}} trims all
     * following whitespace; a block's plain end trims one newline under trim_blocks, a {@code +%}} none.
     */
    private static int[] tagEnd(String s, int from, String close, boolean block, boolean trimBlocks) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(s, i);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
                continue;
            }
            if (depth > 0) {
                if (c == ')' || c == ']' || c == '}') {
                    depth--;
                }
                continue;
            }
            if (c == '-' && s.startsWith(close, i + 1)) {
                return new int[] {i, skipSpace(s, i + 3)};
            }
            if (block && c == '+' && s.startsWith(close, i + 1)) {
                return new int[] {i, i + 3};
            }
            if (s.startsWith(close, i)) {
                int end = i + 2;
                if (block && trimBlocks && end < s.length() && s.charAt(end) == '\n') {
                    end++;
                }
                return new int[] {i, end};
            }
        }
        throw new IllegalArgumentException("chat template: missing end of tag '" + close + "' after: "
                + s.substring(Math.max(0, from - 2), Math.min(s.length(), from + 60)));
    }

    private static int stringEnd(String s, int open) {
        int end = PythonStringMethods.literalEnd(s, open);
        if (end < s.length()) {
            return end;
        }
        throw new IllegalArgumentException("chat template: unterminated string literal: "
                + s.substring(open, Math.min(s.length(), open + 60)));
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isPySpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean onlySpacesAndTabs(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) != ' ' && s.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code str.rstrip()}. */
    static String rstrip(String s) {
        int i = s.length();
        while (i > 0 && isPySpace(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }

    /** Python's {@code str.isspace()} for one character (Java's isWhitespace leaves out the no-break spaces). */
    static boolean isPySpace(char c) {
        return Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f' || c == '\u0085';
    }
}
