package org.loralab.engine.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * Reads configuration JSON as Python's json module and transformers would accept it, and no more
 * leniently: no NaN or Infinity literals, no trailing data, whole numbers only where a count is
 * meant (8.9 is not a rank, 2^32+8 is not 8), finite numbers only where a real is meant.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** Parses {@code text} as one JSON object; throws IllegalArgumentException with the cause. */
    public static JsonObject parseObject(String text) {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        try {
            JsonElement e = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("data after the JSON object");
            }
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && !e.getMessage().contains("setStrictness")) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("not valid JSON (at " + r.getPath() + "; NaN, Infinity and trailing commas are not JSON)", e);
        }
    }

    /** A whole number within int range; {@code key} names it in the error. */
    public static int wholeInt(JsonElement e, String key) {
        long v = wholeLong(e, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + key + "' is " + v + ", beyond the supported range");
        }
        return (int) v;
    }

    /** A whole number within long range; 2^53+1 stays exact (read from the literal, not through a double). */
    public static long wholeLong(JsonElement e, String key) {
        BigDecimal d = number(e, key);
        try {
            return d.stripTrailingZeros().toBigIntegerExact().longValueExact();
        } catch (ArithmeticException x) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, found " + e);
        }
    }

    /** A finite real number. */
    public static double finite(JsonElement e, String key) {
        double v = number(e, key).doubleValue();
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("'" + key + "' is " + e + ", which is not a finite number");
        }
        return v;
    }

    private static BigDecimal number(JsonElement e, String key) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, found " + e);
        }
        try {
            return new BigDecimal(e.getAsJsonPrimitive().getAsString());
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("'" + key + "' is " + e + ", which is not a finite number");
        }
    }
}
