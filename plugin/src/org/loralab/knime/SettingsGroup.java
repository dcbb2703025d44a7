package org.loralab.knime;

import java.util.ArrayList;
import java.util.List;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelDoubleBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;

/**
 * A node's settings: plain keyed values (strings, numbers, booleans), so that every one of them
 * can be set by a flow variable. Node models and dialogs build the same group and share its keys.
 */
public abstract class SettingsGroup {

    private final List<SettingsModel> models = new ArrayList<>();

    protected final SettingsModelString string(final String key, final String defaultValue) {
        return add(new SettingsModelString(key, defaultValue));
    }

    protected final SettingsModelBoolean bool(final String key, final boolean defaultValue) {
        return add(new SettingsModelBoolean(key, defaultValue));
    }

    protected final SettingsModelIntegerBounded integer(final String key, final int defaultValue, final int min, final int max) {
        return add(new SettingsModelIntegerBounded(key, defaultValue, min, max));
    }

    protected final SettingsModelDouble number(final String key, final double defaultValue, final double min, final double max) {
        return add(new SettingsModelDoubleBounded(key, defaultValue, min, max));
    }

    protected final SettingsModelLong seed(final String key, final long defaultValue) {
        return add(new SettingsModelLong(key, defaultValue));
    }

    private <T extends SettingsModel> T add(final T model) {
        models.add(model);
        return model;
    }

    public void saveTo(final NodeSettingsWO settings) {
        for (SettingsModel m : models) {
            m.saveSettingsTo(settings);
        }
    }

    /** Checks every value and then {@link #check()} on a copy, so a bad flow variable is caught before execution. */
    public void validate(final NodeSettingsRO settings) throws InvalidSettingsException {
        for (SettingsModel m : models) {
            m.validateSettings(settings);
        }
    }

    public void loadFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        for (SettingsModel m : models) {
            m.loadSettingsFrom(settings);
        }
        check();
    }

    /** A value the engine builds and checks; its complaint becomes the node's settings error. */
    @FunctionalInterface
    public interface EngineValue<T> {
        T get() throws InvalidSettingsException;
    }

    /** Runs {@code value}, turning the engine's IllegalArgumentException into InvalidSettingsException. */
    public static <T> T checked(final EngineValue<T> value) throws InvalidSettingsException {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    /** Rules across values (a known method name, a device's spelling); throws naming the setting. */
    protected void check() throws InvalidSettingsException {
    }
}
