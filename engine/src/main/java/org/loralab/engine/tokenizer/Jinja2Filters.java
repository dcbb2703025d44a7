package org.loralab.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * jinja2 built-in filters whose Jinjava namesakes differ or are missing: {@code trim} strips what Python's
 * {@code str.strip()} strips (Jinjava's leaves U+3000 and no-break spaces), {@code capitalize} lowers the
 * rest, {@code string} prints Python literals, {@code items} exists. The function {@code loralab_str} is
 * what jinja2 prints for {@code {{ x }}}: Python's str() ({@code True}, {@code ['a']}), an undefined or
 * None-valued variable as nothing (Jinjava cannot tell the two apart, and undefined, the common case,
 * prints nothing in jinja2). A function, not a filter: Jinjava reads {@code ({'a': 1, 'b': 2}|f)} as a tuple.
 */
final class Jinja2Filters {

    static final String OUTPUT_FUNCTION = "loralab_str";

    private Jinja2Filters() {}

    static void register(Jinjava jinjava) {
        jinjava.getGlobalContext().registerFunction(new com.hubspot.jinjava.lib.fn.ELFunctionDefinition("",
                OUTPUT_FUNCTION, Jinja2Filters.class, "output", Object.class));
        add(jinjava, "trim", (v, args) -> {
            String chars = args.length > 0 && args[0] != null ? args[0].toString() : null;
            return PythonStringMethods.strip(str(v), chars);
        });
        add(jinjava, "capitalize", (v, args) -> {
            String s = str(v);
            return s.isEmpty() ? s : s.substring(0, s.offsetByCodePoints(0, 1)).toUpperCase(java.util.Locale.ROOT)
                    + s.substring(s.offsetByCodePoints(0, 1)).toLowerCase(java.util.Locale.ROOT);
        });
        add(jinjava, "string", (v, args) -> PythonRepr.str(v));
        add(jinjava, "items", (v, args) -> {
            List<Object> pairs = new ArrayList<>();
            if (v instanceof Map<?, ?> m) {
                pairs.addAll(m.entrySet());
            }
            return pairs;
        });
    }

    /** Called by templates as {@code loralab_str(value)} around every {@code {{ }}} expression. */
    public static String output(Object v) {
        return v == null ? "" : PythonRepr.str(v);
    }

    private static String str(Object v) {
        return v == null ? "" : PythonRepr.str(v);
    }

    private static void add(Jinjava jinjava, String name, BiFunction<Object, Object[], Object> fn) {
        jinjava.getGlobalContext().registerFilter(new AdvancedFilter() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
                return fn.apply(var, args);
            }
        });
    }
}
