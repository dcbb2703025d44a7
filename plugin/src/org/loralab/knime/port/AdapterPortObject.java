package org.loralab.knime.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import javax.swing.JComponent;
import org.knime.core.data.filestore.FileStore;
import org.knime.core.data.filestore.FileStorePortObject;
import org.knime.core.data.util.NonClosableInputStream;
import org.knime.core.data.util.NonClosableOutputStream;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContent;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.port.PortObject.PortObjectSerializer;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortObjectZipInputStream;
import org.knime.core.node.port.PortObjectZipOutputStream;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;
import org.loralab.engine.jobs.TrainLora;
import org.loralab.knime.KnimePaths;

/**
 * A LoRA adapter on a workflow connection: a reference to the adapter folder with the metadata a
 * user wants to see (language, domain, rank, base model, metrics).
 *
 * <p>Either the adapter stays in its folder (a path or {@code knime://} URL setting), and only the
 * reference is saved with the workflow, re-resolved and checked when a node consumes it; or the
 * adapter is kept inside the workflow in a KNIME file store, so that a workflow exported with its
 * data and opened elsewhere still has it.
 */
public final class AdapterPortObject extends FileStorePortObject {

    /** Serializer named in plugin.xml: the reference as XML; KNIME saves the file store itself. */
    public static final class Serializer extends PortObjectSerializer<AdapterPortObject> {

        private static final String ENTRY = "adapter-reference.xml";

        @Override
        public void savePortObject(final AdapterPortObject object, final PortObjectZipOutputStream out, final ExecutionMonitor exec)
            throws IOException, CanceledExecutionException {
            ModelContent content = new ModelContent("adapter-reference");
            Map<String, String> map = object.reference.toMap();
            content.addStringArray(KEY_KEYS, map.keySet().toArray(String[]::new));
            content.addStringArray(KEY_VALUES, map.values().toArray(String[]::new));
            out.putNextEntry(new ZipEntry(ENTRY));
            content.saveToXML(new NonClosableOutputStream.Zip(out));
        }

        @Override
        public AdapterPortObject loadPortObject(final PortObjectZipInputStream in, final PortObjectSpec spec,
            final ExecutionMonitor exec) throws IOException, CanceledExecutionException {
            ZipEntry entry = in.getNextEntry();
            if (entry == null || !ENTRY.equals(entry.getName())) {
                throw new IOException("Saved adapter reference is damaged: expected " + ENTRY + ", found "
                    + (entry == null ? "nothing" : entry.getName()));
            }
            ModelContentRO content = ModelContent.loadFromXML(new NonClosableInputStream.Zip(in));
            try {
                return new AdapterPortObject(TrainLora.Adapter.fromMap(map(content)));
            } catch (InvalidSettingsException | IllegalArgumentException e) {
                throw new IOException("Saved adapter reference is damaged: " + e.getMessage(), e);
            }
        }
    }

    /** The port type, registered in plugin.xml. */
    public static final PortType TYPE = PortTypeRegistry.getInstance().getPortType(AdapterPortObject.class);

    /** The optional variant, for nodes that can work without an adapter. */
    public static final PortType TYPE_OPTIONAL = PortTypeRegistry.getInstance().getPortType(AdapterPortObject.class, true);

    private static final String KEY_KEYS = "keys";
    private static final String KEY_VALUES = "values";

    private TrainLora.Adapter reference;

    /** An adapter that stays in its folder. */
    public AdapterPortObject(final TrainLora.Adapter reference) {
        super(List.of());
        this.reference = reference;
    }

    /** An adapter kept inside the workflow, in {@code store} (a folder written by the engine). */
    public AdapterPortObject(final TrainLora.Adapter reference, final FileStore store) {
        super(List.of(store));
        this.reference = reference;
    }

    /** Whether the adapter lives in the workflow's own file store. */
    public boolean isKeptInWorkflow() {
        return getFileStoreCount() > 0;
    }

    /** The reference as made by the producing node; for the folder to read, use {@link #folder()}. */
    public TrainLora.Adapter getReference() {
        return isKeptInWorkflow() ? reference.at(getFileStore(0).getFile().toPath()) : reference;
    }

    /**
     * The folder holding this adapter now: the workflow's file store, else the producing node's
     * setting resolved again (the workflow may have moved), checked to hold the same adapter.
     *
     * @throws InvalidSettingsException saying which adapter is missing or changed and what to do
     */
    public Path folder() throws InvalidSettingsException {
        try {
            return getReference().locate(location -> KnimePaths.local(location, "adapter folder"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    @Override
    public String getSummary() {
        return reference.summary() + (isKeptInWorkflow() ? ", kept in the workflow" : "");
    }

    @Override
    public AdapterPortObjectSpec getSpec() {
        String where = isKeptInWorkflow() ? AdapterPortObjectSpec.IN_WORKFLOW
            : reference.location() != null ? reference.location() : reference.adapter().toString();
        return new AdapterPortObjectSpec(where, reference.baseModel());
    }

    @Override
    public JComponent[] getViews() {
        TrainLora.Adapter ref = getReference();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Adapter folder", ref.adapter().toString() + (isKeptInWorkflow() ? " (kept in the workflow)" : ""));
        if (ref.location() != null && !isKeptInWorkflow()) {
            rows.put("Folder setting", ref.location());
        }
        if (ref.baseModel() != null) {
            rows.put("Base model setting", ref.baseModel());
        }
        if (ref.fingerprint() != null) {
            rows.put("Fingerprint", ref.fingerprint());
        }
        rows.putAll(ref.details());
        return new JComponent[] {AdapterView.of("Adapter", rows)};
    }

    private static Map<String, String> map(final ModelContentRO content) throws InvalidSettingsException {
        String[] keys = content.getStringArray(KEY_KEYS);
        String[] values = content.getStringArray(KEY_VALUES);
        if (keys.length != values.length) {
            throw new InvalidSettingsException(keys.length + " keys, " + values.length + " values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
        return map;
    }
}
