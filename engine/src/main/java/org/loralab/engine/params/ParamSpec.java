package org.loralab.engine.params;

import java.util.List;
import java.util.Locale;

/**
 * One parameter as read from its {@link Param} annotation (nested records flattened, their tab
 * applied). Values travel as KNIME saves them: String (texts and enums), Boolean, Integer, Double, Long.
 */
public record ParamSpec(String key, List<String> cli, String label, String help, String tab, String group, Kind kind,
        Class<?> type, boolean nullable, String defaultText, double min, double max, double step, List<String> choices,
        Widget widget, int port, int width, boolean addedLater, boolean cliEscapes) {

    /** How the value is saved: the KNIME settings type. */
    public enum Kind {
        STRING("xstring"), BOOLEAN("xboolean"), INT("xint"), DOUBLE("xdouble"), LONG("xlong"), ENUM("xstring");

        /** The entry type in KNIME's settings XML. */
        public final String xmlType;

        Kind(String xmlType) {
            this.xmlType = xmlType;
        }
    }

    public boolean isCliOption() {
        return !cli.isEmpty();
    }

    public boolean hasBounds() {
        return min != Double.NEGATIVE_INFINITY || max != Double.POSITIVE_INFINITY;
    }

    /** The default as a saved value. */
    public Object defaultValue() {
        return parse(defaultText);
    }

    /** A value typed as text (the CLI, the annotation's default) as a saved value; a bad number names the parameter. */
    public Object parse(String text) {
        String t = text.trim();
        try {
            return switch (kind) {
                case STRING -> text;
                case ENUM -> t.toLowerCase(Locale.ROOT);
                case BOOLEAN -> {
                    if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException(describe() + " must be true or false, not '" + text + "'");
                    }
                    yield Boolean.parseBoolean(t);
                }
                case INT -> Integer.parseInt(t);
                case DOUBLE -> Double.parseDouble(t);
                case LONG -> Long.parseLong(t);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(describe() + " must be a number, not '" + text + "'", e);
        }
    }

    /** The parameter for a message: its label and where it is set. */
    public String describe() {
        return "'" + label + "' (" + (cli.isEmpty() ? "" : cli.get(cli.size() - 1) + ", ") + "setting " + key + ")";
    }

    /** The enum constant a saved text names; the message lists the choices. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Object enumConstant(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Object c : type.getEnumConstants()) {
            if (((Enum) c).name().equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException(describe() + ": '" + text + "' is unknown, use " + String.join(", ", choices));
    }

    static String enumText(Object constant) {
        return ((Enum<?>) constant).name().toLowerCase(Locale.ROOT);
    }

    /** Checks a saved value against the bounds; the message names the parameter. */
    void checkBounds(Object value) {
        if (value instanceof Number n && hasBounds()) {
            double v = n.doubleValue();
            if (v < min || v > max || Double.isNaN(v)) {
                throw new IllegalArgumentException(describe() + " must lie in [" + fmt(min) + ", " + fmt(max) + "], not " + value);
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
