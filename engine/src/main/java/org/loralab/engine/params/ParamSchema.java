package org.loralab.engine.params;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameters of one node, read from its record's {@link Param} components: the one list that
 * the CLI options, the KNIME settings and dialog, and the description's options are made from, and
 * the conversion between the record and its saved values (key to value, as KNIME saves them).
 */
public final class ParamSchema<R extends Record> {

    private static final Map<Class<?>, ParamSchema<?>> CACHE = new ConcurrentHashMap<>();

    private final Class<R> type;
    private final List<ParamSpec> params;
    private final Map<String, ParamSpec> byKey = new LinkedHashMap<>();

    private ParamSchema(Class<R> type) {
        this.type = type;
        List<ParamSpec> list = new ArrayList<>();
        collect(type, null, list);
        this.params = Collections.unmodifiableList(list);
        for (ParamSpec p : list) {
            if (byKey.put(p.key(), p) != null) {
                throw new IllegalStateException(type.getSimpleName() + ": key '" + p.key() + "' is declared twice");
            }
        }
    }

    @SuppressWarnings("unchecked")
    public static <R extends Record> ParamSchema<R> of(Class<R> type) {
        return (ParamSchema<R>) CACHE.computeIfAbsent(type, t -> new ParamSchema<>(type));
    }

    public Class<R> type() {
        return type;
    }

    /** Every parameter in dialog order, nested records flattened. */
    public List<ParamSpec> params() {
        return params;
    }

    public ParamSpec param(String key) {
        ParamSpec p = byKey.get(key);
        if (p == null) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no parameter '" + key + "'");
        }
        return p;
    }

    /** The node's defaults. */
    public R defaults() {
        return fromValues(Map.of(), false);
    }

    /**
     * The record of these saved values; a key that is absent takes its default (or null for a boxed
     * parameter added later, which the record resolves). Values are checked against their bounds and
     * choices, then by the record itself; the first problem is an IllegalArgumentException naming it.
     */
    public R fromValues(Map<String, ?> values) {
        return fromValues(values, true);
    }

    private R fromValues(Map<String, ?> values, boolean absentLaterIsNull) {
        return build(type, values, absentLaterIsNull);
    }

    /** The saved values of a record, by key in dialog order (enums as their lower-case names). */
    public Map<String, Object> values(R record) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(record, out);
        return out;
    }

    // ---- reflection over the records ----

    private static void collect(Class<?> type, Nested nested, List<ParamSpec> out) {
        requireRecord(type);
        for (RecordComponent c : type.getRecordComponents()) {
            Param p = c.getAnnotation(Param.class);
            Nested n = c.getAnnotation(Nested.class);
            if (p != null) {
                out.add(spec(type, c, p, nested));
            } else if (n != null) {
                collect(c.getType(), n, out);
            } else {
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " is neither @Param nor @Nested");
            }
        }
    }

    private static void requireRecord(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type + " is not a record");
        }
    }

    private static ParamSpec spec(Class<?> owner, RecordComponent c, Param p, Nested nested) {
        Class<?> t = c.getType();
        ParamSpec.Kind kind;
        boolean nullable = !t.isPrimitive();
        if (t == String.class) {
            kind = ParamSpec.Kind.STRING;
            nullable = false;
        } else if (t == boolean.class || t == Boolean.class) {
            kind = ParamSpec.Kind.BOOLEAN;
        } else if (t == int.class || t == Integer.class) {
            kind = ParamSpec.Kind.INT;
        } else if (t == double.class || t == Double.class) {
            kind = ParamSpec.Kind.DOUBLE;
        } else if (t == long.class || t == Long.class) {
            kind = ParamSpec.Kind.LONG;
        } else if (t.isEnum()) {
            kind = ParamSpec.Kind.ENUM;
            nullable = false;
        } else {
            throw new IllegalStateException(owner.getSimpleName() + "." + c.getName() + ": type " + t + " cannot be a parameter");
        }
        if (nullable && !p.addedLater()) {
            throw new IllegalStateException(owner.getSimpleName() + "." + c.getName() + ": only a parameter added later may be boxed");
        }
        List<String> choices = List.of(p.choices());
        if (kind == ParamSpec.Kind.ENUM && choices.isEmpty()) {
            choices = Arrays.stream(t.getEnumConstants()).map(ParamSpec::enumText).toList();
        }
        String tab = nested != null ? nested.tab() : p.tab();
        ParamSpec spec = new ParamSpec(p.key(), List.of(p.cli()), p.label(), p.help(), tab, p.group(), kind, t, nullable, p.value(),
                p.min(), p.max(), p.step(), choices, p.widget(), p.port(), p.width(), p.addedLater(), p.cliEscapes());
        spec.checkBounds(spec.defaultValue()); // a default outside its own bounds is a declaration error
        return spec;
    }

    private <T> T build(Class<T> t, Map<String, ?> values, boolean absentLaterIsNull) {
        RecordComponent[] cs = t.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            Param p = cs[i].getAnnotation(Param.class);
            if (p == null) {
                args[i] = build(cs[i].getType(), values, absentLaterIsNull);
                continue;
            }
            ParamSpec spec = byKey.get(p.key());
            Object raw = values.get(spec.key());
            if (raw == null) {
                args[i] = spec.nullable() && absentLaterIsNull ? null : toJava(spec, spec.defaultValue());
            } else {
                args[i] = toJava(spec, raw);
            }
        }
        try {
            Constructor<T> ctor = t.getDeclaredConstructor(Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new));
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(t + ": no canonical constructor", e);
        }
    }

    /** A saved value as the component's Java value, checked. */
    private static Object toJava(ParamSpec spec, Object raw) {
        Object v = raw;
        if (raw instanceof String s && spec.kind() != ParamSpec.Kind.STRING && spec.kind() != ParamSpec.Kind.ENUM) {
            v = spec.parse(s);
        }
        switch (spec.kind()) {
            case ENUM:
                return spec.enumConstant(v.toString());
            case STRING:
                return v.toString();
            case BOOLEAN:
                if (!(v instanceof Boolean)) {
                    throw new IllegalArgumentException(spec.describe() + " must be true or false, not " + v);
                }
                return v;
            case INT:
                spec.checkBounds(v);
                return ((Number) v).intValue();
            case DOUBLE:
                spec.checkBounds(v);
                return ((Number) v).doubleValue();
            case LONG:
                spec.checkBounds(v);
                return ((Number) v).longValue();
            default:
                throw new IllegalStateException(spec.kind().toString());
        }
    }

    private static void put(Object record, Map<String, Object> out) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object v;
            try {
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                v = accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            Param p = c.getAnnotation(Param.class);
            if (p == null) {
                put(v, out);
            } else {
                out.put(p.key(), v != null && v.getClass().isEnum() ? ParamSpec.enumText(v) : v);
            }
        }
    }

}
