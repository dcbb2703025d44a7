package org.loralab.knime;

import java.util.List;
import javax.swing.JFileChooser;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentFileChooser;
import org.knime.core.node.defaultnodesettings.DialogComponentMultiLineString;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.model.DeviceChoice;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptFormat;

/** Options several nodes share, with one spelling of their keys, checks and dialog rows. */
public final class SharedOptions {

    /** The device choices offered (DeviceChoice's spellings); any {@code gpu:N} may be typed. */
    public static final List<String> DEVICES = List.of("auto", "cpu", "gpu", "gpu:0", "gpu:1");

    private SharedOptions() {
    }

    public static void checkDevice(final SettingsModelString device) throws InvalidSettingsException {
        SettingsGroup.checked(() -> {
            DeviceChoice.requireValidSyntax(device.getStringValue());
            return null;
        });
    }

    public static ModelOptions modelOptions(final SettingsModelString device, final String dtype) {
        return new ModelOptions(device.getStringValue(), dtype);
    }

    public static void addDevice(final DefaultNodeSettingsPane pane, final SettingsModelString device) {
        pane.addDialogComponent(new DialogComponentStringSelection(device, "Device (auto, cpu, gpu:N)", DEVICES, true));
    }

    public static void addBaseModel(final DefaultNodeSettingsPane pane, final SettingsModelString baseModel, final String label) {
        addFolder(pane, baseModel, label, false);
    }

    /**
     * A folder setting as KNIME's folder chooser (browse button, history, flow variable); the text
     * stays editable, so "demo", knime:// URLs and an empty value can still be typed, and the setting
     * is the same plain string as before.
     */
    public static void addFolder(final DefaultNodeSettingsPane pane, final SettingsModelString folder, final String label,
        final boolean output) {
        DialogComponentFileChooser chooser = new DialogComponentFileChooser(folder, "loralab_" + folder.getKey(),
            output ? JFileChooser.SAVE_DIALOG : JFileChooser.OPEN_DIALOG, true);
        chooser.setBorderTitle(label);
        pane.addDialogComponent(chooser);
    }

    /** The prompt a model sees: the same three settings wherever documents become prompts. */
    public static final class Prompt {
        public final SettingsModelString template;
        public final SettingsModelString languageHint;
        public final SettingsModelBoolean chat;

        public Prompt(final SettingsModelString template, final SettingsModelString languageHint, final SettingsModelBoolean chat) {
            this.template = template;
            this.languageHint = languageHint;
            this.chat = chat;
        }

        public PromptFormat format() throws InvalidSettingsException {
            return SettingsGroup.checked(
                () -> new PromptFormat(template.getStringValue(), languageHint.getStringValue(), chat.getBooleanValue()));
        }

        public void addTo(final DefaultNodeSettingsPane pane) {
            pane.createNewGroup("Prompt (use the same for training and summarizing)");
            pane.addDialogComponent(new DialogComponentMultiLineString(template, "Template with {document} and optionally {language}", true, 50, 5));
            pane.addDialogComponent(new DialogComponentString(languageHint, "Text for {language}"));
            pane.addDialogComponent(new DialogComponentBoolean(chat, "Wrap in the model's chat template"));
            pane.closeCurrentGroup();
        }
    }
}
