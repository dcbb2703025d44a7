package org.loralab.knime;

import java.io.File;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.port.PortType;
import org.loralab.engine.params.ParamSchema;

/**
 * The settings plumbing every LoRA Lab node shares; subclasses only configure and execute with
 * {@link #params()}. The nodes keep no internals: their results live in output tables and adapter folders.
 */
public abstract class LoraLabNodeModel<R extends Record> extends NodeModel {

    private final NodeParams<R> settings;

    protected LoraLabNodeModel(final PortType[] in, final PortType[] out, final ParamSchema<R> schema) {
        super(in, out);
        this.settings = new NodeParams<>(schema);
    }

    /** The node's parameters as last loaded. */
    protected R params() {
        return settings.get();
    }

    @Override
    protected void saveSettingsTo(final NodeSettingsWO s) {
        settings.saveTo(s);
    }

    @Override
    protected void validateSettings(final NodeSettingsRO s) throws InvalidSettingsException {
        settings.validate(s);
    }

    @Override
    protected void loadValidatedSettingsFrom(final NodeSettingsRO s) throws InvalidSettingsException {
        settings.loadFrom(s);
    }

    /** Runs an engine check or conversion; its complaint becomes the node's settings error. */
    protected static <T> T checked(final EngineCalls.Work<T> value) throws InvalidSettingsException {
        try {
            return value.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        } catch (InvalidSettingsException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    /** Flow variable naming the device and PyTorch library a node's engine work ran on. */
    public static final String ENGINE_VARIABLE = "loralab_engine";

    /**
     * Tells where the work runs: the node's log and the flow variable {@value #ENGINE_VARIABLE}
     * (device, PyTorch version, libtorch path), so a workflow shows whether the GPU was used.
     */
    protected void reportEngine(final String device) throws Exception {
        String line = EngineCalls.run(() -> org.loralab.engine.jobs.TrainLora.Engine.describe(device));
        getLogger().info("LoRA Lab engine: " + line);
        pushFlowVariableString(ENGINE_VARIABLE, line);
    }

    /** Flow variable saying where the node's base model came from: loaded by it, or shared from the JVM's model cache. */
    public static final String MODEL_VARIABLE = "loralab_model_source";

    /**
     * After the engine work: the node's log and the flow variable {@value #MODEL_VARIABLE} say
     * whether the base model was loaded by this node or came from the engine's model cache.
     */
    protected void reportModelOrigin() {
        String origin = org.loralab.engine.jobs.TrainLora.Engine.takeModelOrigin();
        if (origin != null) {
            getLogger().info("LoRA Lab model: " + origin);
            pushFlowVariableString(MODEL_VARIABLE, origin);
        }
    }

    /**
     * The workflow is closed (or the node removed): base models no running node holds are freed at
     * once instead of waiting for the budget (-Dloralab.modelCache.budget) to push them out.
     */
    @Override
    protected void onDispose() {
        int freed = org.loralab.engine.jobs.TrainLora.Engine.releaseIdleModels();
        if (freed > 0) {
            getLogger().info("LoRA Lab: freed " + freed + " idle base model(s) of the model cache");
        }
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
