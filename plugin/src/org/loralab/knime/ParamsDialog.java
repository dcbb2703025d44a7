package org.loralab.knime;

import javax.swing.JFileChooser;
import org.knime.core.data.StringValue;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponent;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentFileChooser;
import org.knime.core.node.defaultnodesettings.DialogComponentMultiLineString;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentNumberEdit;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelNumber;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.knime.core.node.port.PortObjectSpec;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.ParamSpec;
import org.loralab.engine.params.Widget;

/** A node's dialog made from its parameter schema: its tabs, groups, labels and widgets, in the schema's order. */
public class ParamsDialog<R extends Record> extends DefaultNodeSettingsPane {

    protected final NodeParams<R> params;

    public ParamsDialog(final ParamSchema<R> schema) {
        params = new NodeParams<>(schema);
        String tab = null;
        String group = "";
        for (ParamSpec p : schema.params()) {
            if (!p.tab().equals(tab)) {
                if (!group.isEmpty()) {
                    closeCurrentGroup();
                    group = "";
                }
                if (tab == null) {
                    if (!p.tab().isEmpty()) {
                        setDefaultTabTitle(p.tab());
                    }
                } else {
                    createNewTab(p.tab());
                }
                tab = p.tab();
            }
            if (!p.group().equals(group)) {
                if (!group.isEmpty()) {
                    closeCurrentGroup();
                }
                if (!p.group().isEmpty()) {
                    createNewGroup(p.group());
                }
                group = p.group();
            }
            addDialogComponent(component(p, params.model(p.key())));
        }
        if (!group.isEmpty()) {
            closeCurrentGroup();
        }
    }

    @SuppressWarnings("unchecked")
    private static DialogComponent component(final ParamSpec p, final SettingsModel m) {
        String label = p.label();
        switch (p.widget()) {
            case FOLDER_IN:
            case FOLDER_OUT: {
                // KNIME's folder chooser (browse, history, flow variable); the text stays editable ("demo", knime:// URLs, empty)
                DialogComponentFileChooser chooser = new DialogComponentFileChooser((SettingsModelString) m, "loralab_" + p.key(),
                    p.widget() == Widget.FOLDER_OUT ? JFileChooser.SAVE_DIALOG : JFileChooser.OPEN_DIALOG, true);
                chooser.setBorderTitle(label);
                return chooser;
            }
            case COLUMN:
            case OPTIONAL_COLUMN:
                return new DialogComponentColumnNameSelection((SettingsModelString) m, label, p.port(), p.widget() == Widget.COLUMN,
                    StringValue.class);
            case OPTIONAL_COLUMN_OR_NONE:
                return new DialogComponentColumnNameSelection((SettingsModelString) m, label, p.port(), false, true, StringValue.class);
            case MULTILINE:
                return new DialogComponentMultiLineString((SettingsModelString) m, label, true, 50, 5);
            case EDITABLE_CHOICE:
                return new DialogComponentStringSelection((SettingsModelString) m, label, p.choices(), true);
            case NUMBER_EDIT:
                return new DialogComponentNumberEdit((SettingsModelNumber) m, label);
            default:
                break;
        }
        return switch (p.kind()) {
            case BOOLEAN -> new DialogComponentBoolean((org.knime.core.node.defaultnodesettings.SettingsModelBoolean) m, label);
            case INT -> new DialogComponentNumber((SettingsModelNumber) m, label, (int) Math.max(1, p.step()));
            case DOUBLE -> new DialogComponentNumber((SettingsModelNumber) m, label, p.step());
            case LONG -> new DialogComponentNumberEdit((SettingsModelNumber) m, label);
            default -> p.choices().isEmpty()
                ? (p.width() > 0 ? new DialogComponentString((SettingsModelString) m, label, false, p.width())
                    : new DialogComponentString((SettingsModelString) m, label))
                : new DialogComponentStringSelection((SettingsModelString) m, label, p.choices());
        };
    }

    /** Settings saved before a parameter existed: the dialog shows the value the node resolves for them. */
    @Override
    public void loadAdditionalSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs) throws NotConfigurableException {
        try {
            R resolved = params.record(settings);
            var values = params.schema().values(resolved);
            for (ParamSpec p : params.schema().params()) {
                if (p.addedLater() && !settings.containsKey(p.key())) {
                    NodeParams.set(params.model(p.key()), values.get(p.key()));
                }
            }
        } catch (InvalidSettingsException e) {
            // the dialog shows what it loaded; the node reports the problem when configured
        }
    }
}
