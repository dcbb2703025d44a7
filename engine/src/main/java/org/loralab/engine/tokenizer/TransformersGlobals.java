package org.loralab.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What transformers' {@code _compile_jinja_template} adds to the jinja2 environment besides
 * {@code raise_exception}: the global {@code strftime_now(format)} (local time, Python's strftime) and its
 * own {@code tojson} filter ({@code json.dumps} with {@code ensure_ascii=False}, no HTML escaping, optional
 * {@code indent}, {@code separators}, {@code sort_keys}).
 */
final class TransformersGlobals {

    private static final ThreadLocal<Clock> CLOCK = new ThreadLocal<>();

    private TransformersGlobals() {}

    static void register(Jinjava jinjava) {
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TransformersGlobals.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new ToJson());
    }

    /**
     * In jinja2 the globals are variables too, so templates test {@code strftime_now is defined} before
     * calling it (Llama 3.2); Jinjava keeps functions apart, so a same-named variable answers that test.
     */
    static void defineGlobals(Map<String, Object> context) {
        context.putIfAbsent("strftime_now", "strftime_now");
        context.putIfAbsent("raise_exception", "raise_exception");
    }

    /** Runs a render with {@code strftime_now} reading {@code clock}, on this thread only. */
    static <T> T withClock(Clock clock, Supplier<T> render) {
        Clock previous = CLOCK.get();
        CLOCK.set(clock);
        try {
            return render.get();
        } finally {
            if (previous == null) {
                CLOCK.remove();
            } else {
                CLOCK.set(previous);
            }
        }
    }

    /** Called by templates as {@code strftime_now(format)}. */
    public static String strftimeNow(String format) {
        Clock clock = CLOCK.get();
        return strftime(LocalDateTime.now(clock == null ? Clock.systemDefaultZone() : clock), format);
    }

    /** Python's {@code datetime.strftime} in the C locale, for the directives templates use. */
    static String strftime(LocalDateTime t, String format) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                b.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'd' -> b.append(two(t.getDayOfMonth()));
                case 'e' -> b.append(String.format(Locale.ROOT, "%2d", t.getDayOfMonth()));
                case 'm' -> b.append(two(t.getMonthValue()));
                case 'y' -> b.append(two(t.getYear() % 100));
                case 'Y' -> b.append(t.getYear());
                case 'H' -> b.append(two(t.getHour()));
                case 'I' -> b.append(two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
                case 'M' -> b.append(two(t.getMinute()));
                case 'S' -> b.append(two(t.getSecond()));
                case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> b.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
                case 'w' -> b.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> b.append(t.getDayOfWeek().getValue());
                case 'F' -> b.append(t.getYear()).append('-').append(two(t.getMonthValue())).append('-').append(two(t.getDayOfMonth()));
                case '%' -> b.append('%');
                default -> throw new IllegalArgumentException("strftime_now: unsupported directive %" + d);
            }
        }
        return b.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** transformers' tojson: {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static final class ToJson implements AdvancedFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 1 ? args[1] : null;
            Object ensureAscii = kwargs.containsKey("ensure_ascii") ? kwargs.get("ensure_ascii") : args.length > 0 ? args[0] : Boolean.FALSE;
            Object separators = kwargs.get("separators");
            Object sortKeys = kwargs.getOrDefault("sort_keys", Boolean.FALSE);
            return PythonJson.dumps(var, Boolean.TRUE.equals(ensureAscii), indent, separators, Boolean.TRUE.equals(sortKeys));
        }
    }
}
