package org.loralab.knime.port;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.JComponent;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObjectSpec;

/**
 * What is known about an adapter before it exists (at configure time): where it will be written
 * and which base model it is for. Either may be unknown (null) until execution.
 */
public final class AdapterPortObjectSpec extends AbstractSimplePortObjectSpec {

    /** Serializer named in plugin.xml. */
    public static final class Serializer extends AbstractSimplePortObjectSpecSerializer<AdapterPortObjectSpec> {
    }

    /** The adapter setting of an adapter kept inside the workflow. */
    public static final String IN_WORKFLOW = "(kept inside the workflow)";

    private static final String KEY_ADAPTER = "adapter";
    private static final String KEY_BASE_MODEL = "base_model";

    private String adapter;
    private String baseModel;

    /** For the serializer; use {@link #AdapterPortObjectSpec(String, String)}. */
    public AdapterPortObjectSpec() {
    }

    public AdapterPortObjectSpec(final String adapter, final String baseModel) {
        this.adapter = adapter;
        this.baseModel = baseModel;
    }

    /** The adapter folder, or null when not known before execution. */
    public String getAdapter() {
        return adapter;
    }

    /** The base model setting (folder, KNIME URL or {@code demo}) the adapter is for, or null. */
    public String getBaseModel() {
        return baseModel;
    }

    @Override
    protected void save(final ModelContentWO model) {
        model.addString(KEY_ADAPTER, adapter);
        model.addString(KEY_BASE_MODEL, baseModel);
    }

    @Override
    protected void load(final ModelContentRO model) throws InvalidSettingsException {
        adapter = model.getString(KEY_ADAPTER);
        baseModel = model.getString(KEY_BASE_MODEL);
    }

    @Override
    public JComponent[] getViews() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Adapter folder", adapter == null ? "(known after execution)" : adapter);
        rows.put("Base model", baseModel == null || baseModel.isBlank() ? "(known after execution)" : baseModel);
        return new JComponent[] {AdapterView.of("Adapter", rows)};
    }
}
