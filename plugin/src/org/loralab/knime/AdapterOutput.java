package org.loralab.knime;

import java.nio.file.Path;
import org.knime.core.data.filestore.FileStore;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.loralab.engine.jobs.TrainLora;
import org.loralab.knime.port.AdapterPortObject;
import org.loralab.knime.port.AdapterPortObjectSpec;

/**
 * Where a node writes its adapter: the output folder setting (a path or {@code knime://} URL), or,
 * with "keep inside the workflow", a KNIME file store that is saved, exported and copied with the
 * workflow. Configure and execute both go through here, so their specs agree.
 */
public final class AdapterOutput {

    private final Path folder;
    private final String setting;
    private final FileStore store;

    private AdapterOutput(final Path folder, final String setting, final FileStore store) {
        this.folder = folder;
        this.setting = setting;
        this.store = store;
    }

    /** The output port's spec at configure time. */
    public static AdapterPortObjectSpec spec(final String setting, final boolean keepInWorkflow, final String baseModel)
        throws InvalidSettingsException {
        String where = keepInWorkflow ? AdapterPortObjectSpec.IN_WORKFLOW : KnimePaths.adapterOutput(setting).toString();
        return new AdapterPortObjectSpec(where, baseModel);
    }

    /** The output of one execution; a file store is created now when the adapter stays in the workflow. */
    public static AdapterOutput create(final String setting, final boolean keepInWorkflow, final ExecutionContext exec)
        throws Exception {
        if (keepInWorkflow) {
            FileStore store = exec.createFileStore("lora-adapter");
            return new AdapterOutput(store.getFile().toPath(), null, store);
        }
        return new AdapterOutput(KnimePaths.adapterOutput(setting), setting.trim(), null);
    }

    /** The folder the engine writes. */
    public Path folder() {
        return folder;
    }

    /** A file store is new and empty: there is nothing to replace, whatever the setting says. */
    public boolean overwrite(final boolean setting) {
        return store == null && setting;
    }

    /** The setting that named the folder (null inside the workflow), recorded in the reference. */
    public String location() {
        return setting;
    }

    /**
     * The output port's object. An adapter kept in the workflow becomes a plain folder first: KNIME
     * copies and exports file stores as they are, and nothing else writes there.
     */
    public AdapterPortObject portObject(final TrainLora.Adapter reference) throws java.io.IOException {
        if (store == null) {
            return new AdapterPortObject(reference);
        }
        TrainLora.Engine.makePlain(folder);
        return new AdapterPortObject(reference, store);
    }
}
