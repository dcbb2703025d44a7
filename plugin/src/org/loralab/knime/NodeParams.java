package org.loralab.knime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelDoubleBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelInteger;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.ParamSpec;

/**
 * A node's settings made from its engine {@link ParamSchema}: one plain keyed SettingsModel per
 * parameter (so each can be set by a flow variable), saved under the schema's keys, and the
 * parameter record the node runs with. The record's checks become the node's settings errors.
 */
public final class NodeParams<R extends Record> {

    private final ParamSchema<R> schema;
    private final Map<String, SettingsModel> models = new LinkedHashMap<>();
    private R current;

    public NodeParams(final ParamSchema<R> schema) {
        this.schema = schema;
        for (ParamSpec p : schema.params()) {
            models.put(p.key(), model(p));
        }
        current = schema.defaults();
    }

    private static SettingsModel model(final ParamSpec p) {
        Object d = p.defaultValue();
        return switch (p.kind()) {
            case STRING, ENUM -> new SettingsModelString(p.key(), (String) d);
            case BOOLEAN -> new SettingsModelBoolean(p.key(), (Boolean) d);
            case INT -> new SettingsModelIntegerBounded(p.key(), (Integer) d, (int) Math.max(Integer.MIN_VALUE, p.min()),
                (int) Math.min(Integer.MAX_VALUE, p.max()));
            case DOUBLE -> new SettingsModelDoubleBounded(p.key(), (Double) d, Math.max(-Double.MAX_VALUE, p.min()),
                Math.min(Double.MAX_VALUE, p.max()));
            case LONG -> new SettingsModelLong(p.key(), (Long) d);
        };
    }

    public ParamSchema<R> schema() {
        return schema;
    }

    /** The parameters as last loaded (the defaults before). */
    public R get() {
        return current;
    }

    public SettingsModel model(final String key) {
        return models.get(key);
    }

    public void saveTo(final NodeSettingsWO settings) {
        for (SettingsModel m : models.values()) {
            m.saveSettingsTo(settings);
        }
    }

    /** Checks every value and the record made from them, so a bad flow variable is caught before execution. */
    public void validate(final NodeSettingsRO settings) throws InvalidSettingsException {
        record(settings);
    }

    public void loadFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        current = record(settings);
        // settings saved before a parameter existed: show and save the value the record resolved
        schema.values(current).forEach((key, value) -> set(models.get(key), value));
    }

    /** The record of these settings; a key added later may be absent. */
    public R record(final NodeSettingsRO settings) throws InvalidSettingsException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParamSpec p : schema.params()) {
            if (p.addedLater() && !settings.containsKey(p.key())) {
                continue;
            }
            SettingsModel probe = model(p);
            probe.validateSettings(settings);
            probe.loadSettingsFrom(settings);
            values.put(p.key(), value(probe));
        }
        try {
            return schema.fromValues(values);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    private static Object value(final SettingsModel m) {
        if (m instanceof SettingsModelString s) {
            return s.getStringValue();
        } else if (m instanceof SettingsModelBoolean b) {
            return b.getBooleanValue();
        } else if (m instanceof SettingsModelInteger i) {
            return i.getIntValue();
        } else if (m instanceof SettingsModelDouble d) {
            return d.getDoubleValue();
        } else {
            return ((SettingsModelLong) m).getLongValue();
        }
    }

    static void set(final SettingsModel m, final Object v) {
        if (m instanceof SettingsModelString s) {
            s.setStringValue((String) v);
        } else if (m instanceof SettingsModelBoolean b) {
            b.setBooleanValue((Boolean) v);
        } else if (m instanceof SettingsModelInteger i) {
            i.setIntValue((Integer) v);
        } else if (m instanceof SettingsModelDouble d) {
            d.setDoubleValue((Double) v);
        } else {
            ((SettingsModelLong) m).setLongValue((Long) v);
        }
    }
}
