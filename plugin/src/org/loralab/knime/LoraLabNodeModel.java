package org.loralab.knime;

import java.io.File;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.port.PortType;

/**
 * The settings plumbing every LoRA Lab node shares; subclasses only configure and execute. The
 * nodes keep no internals: their results live in output tables and adapter folders.
 */
public abstract class LoraLabNodeModel<S extends SettingsGroup> extends NodeModel {

    protected final S settings;
    private final java.util.function.Supplier<S> fresh;

    protected LoraLabNodeModel(final PortType[] in, final PortType[] out, final java.util.function.Supplier<S> settingsFactory) {
        super(in, out);
        this.fresh = settingsFactory;
        this.settings = settingsFactory.get();
    }

    @Override
    protected void saveSettingsTo(final NodeSettingsWO s) {
        settings.saveTo(s);
    }

    @Override
    protected void validateSettings(final NodeSettingsRO s) throws InvalidSettingsException {
        S probe = fresh.get();
        probe.validate(s);
        probe.loadFrom(s);
    }

    @Override
    protected void loadValidatedSettingsFrom(final NodeSettingsRO s) throws InvalidSettingsException {
        settings.loadFrom(s);
    }

    /** Flow variable naming the device and PyTorch library a node's engine work ran on. */
    public static final String ENGINE_VARIABLE = "loralab_engine";

    /**
     * Tells where the work runs: the node's log and the flow variable {@value #ENGINE_VARIABLE}
     * (device, PyTorch version, libtorch path), so a workflow shows whether the GPU was used.
     */
    protected void reportEngine(final org.knime.core.node.defaultnodesettings.SettingsModelString device) throws Exception {
        String line = EngineCalls.run(() -> org.loralab.engine.model.EngineSetup.describe(
            org.loralab.engine.model.DeviceChoice.resolve(device.getStringValue())));
        getLogger().info("LoRA Lab engine: " + line);
        pushFlowVariableString(ENGINE_VARIABLE, line);
    }

    @Override
    protected void loadInternals(final File dir, final ExecutionMonitor exec) {
    }

    @Override
    protected void saveInternals(final File dir, final ExecutionMonitor exec) {
    }

    @Override
    protected void reset() {
    }
}
