package org.loralab.knime.port;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.JComponent;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;
import org.loralab.engine.bank.AdapterReference;

/**
 * A LoRA adapter on a workflow connection: a reference to the adapter folder on disk with the
 * metadata a user wants to see (language, domain, rank, base model, metrics). Saving a workflow
 * saves the reference, not the weights; the folder is where the producing node wrote it.
 */
public final class AdapterPortObject extends AbstractSimplePortObject {

    /** Serializer named in plugin.xml. */
    public static final class Serializer extends AbstractSimplePortObjectSerializer<AdapterPortObject> {
    }

    /** The port type, registered in plugin.xml. */
    public static final PortType TYPE = PortTypeRegistry.getInstance().getPortType(AdapterPortObject.class);

    /** The optional variant, for nodes that can work without an adapter. */
    public static final PortType TYPE_OPTIONAL = PortTypeRegistry.getInstance().getPortType(AdapterPortObject.class, true);

    private static final String KEY_KEYS = "keys";
    private static final String KEY_VALUES = "values";

    private AdapterReference reference;

    /** For the serializer; use {@link #AdapterPortObject(AdapterReference)}. */
    public AdapterPortObject() {
    }

    public AdapterPortObject(final AdapterReference reference) {
        this.reference = reference;
    }

    public AdapterReference getReference() {
        return reference;
    }

    @Override
    public String getSummary() {
        return reference.summary();
    }

    @Override
    public AdapterPortObjectSpec getSpec() {
        return new AdapterPortObjectSpec(reference.adapter().toString(), reference.baseModel());
    }

    @Override
    protected void save(final ModelContentWO model, final ExecutionMonitor exec) throws CanceledExecutionException {
        Map<String, String> map = reference.toMap();
        model.addStringArray(KEY_KEYS, map.keySet().toArray(String[]::new));
        model.addStringArray(KEY_VALUES, map.values().toArray(String[]::new));
    }

    @Override
    protected void load(final ModelContentRO model, final PortObjectSpec spec, final ExecutionMonitor exec)
        throws InvalidSettingsException, CanceledExecutionException {
        String[] keys = model.getStringArray(KEY_KEYS);
        String[] values = model.getStringArray(KEY_VALUES);
        if (keys.length != values.length) {
            throw new InvalidSettingsException("Saved adapter reference is damaged: " + keys.length + " keys, "
                + values.length + " values.");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
        try {
            reference = AdapterReference.fromMap(map);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    @Override
    public JComponent[] getViews() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Adapter folder", reference.adapter().toString());
        if (reference.baseModel() != null) {
            rows.put("Base model setting", reference.baseModel());
        }
        rows.putAll(reference.details());
        return new JComponent[] {AdapterView.of("Adapter", rows)};
    }
}
