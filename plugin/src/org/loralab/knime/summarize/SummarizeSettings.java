package org.loralab.knime.summarize;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.knime.SettingsGroup;
import org.loralab.knime.SharedOptions;

/** Settings of the Summarize node; 0 for a decoding value means "the model's generation_config.json". */
final class SummarizeSettings extends SettingsGroup {

    final SettingsModelString baseModel = string("base_model", "");
    final SettingsModelString documentColumn = string("document_column", "document");
    final SettingsModelBoolean mergeAdapter = bool("merge_adapter", false);
    final SettingsModelIntegerBounded maxInputTokens = integer("max_input_tokens", 1024, 8, 1 << 20);
    final SettingsModelIntegerBounded batchSize = integer("batch_size", 8, 1, 4096);

    final SettingsModelIntegerBounded maxNewTokens = integer("max_new_tokens", 0, 0, 1 << 16);
    final SettingsModelBoolean sample = bool("sample", false);
    final SettingsModelDouble temperature = number("temperature", 0, 0, 100);
    final SettingsModelIntegerBounded topK = integer("top_k", 0, 0, 1 << 20);
    final SettingsModelDouble topP = number("top_p", 0, 0, 1);
    final SettingsModelIntegerBounded beams = integer("beams", 0, 0, 64);
    final SettingsModelLong seed = seed("seed", 42);

    final SettingsModelString dtype = string("dtype", "auto");
    final SettingsModelString device = string("device", "auto");
    final SharedOptions.Prompt prompt = new SharedOptions.Prompt(string("prompt_template", PromptFormat.DEFAULT_TEMPLATE),
        string("prompt_language", ""), bool("prompt_chat", false));

    static final String PROMPT_FROM_ADAPTER = "prompt_from_adapter";
    static final String ADAPTER_COLUMN = "adapter_column";

    /**
     * The column naming each row's adapter from the adapter table (third input); empty: no per-row
     * adapters. Added later: kept apart from the group's models so settings saved without it still load.
     */
    final SettingsModelString adapterColumn = new SettingsModelString(ADAPTER_COLUMN, "");

    /**
     * Use the prompt the adapter recorded (its loralab.json) when it records one, the node's prompt
     * otherwise. Added later than the other keys: kept apart from the group's models so settings saved
     * without it still load
     * (see {@link #legacyFromAdapter}).
     */
    final SettingsModelBoolean promptFromAdapter = new SettingsModelBoolean(PROMPT_FROM_ADAPTER, true);

    /**
     * For settings saved before the flag existed: the adapter's prompt unless the user had changed
     * the node's prompt from its defaults (then theirs, as before).
     */
    static boolean legacyFromAdapter(final NodeSettingsRO settings) {
        return PromptFormat.DEFAULT_TEMPLATE.equals(settings.getString("prompt_template", PromptFormat.DEFAULT_TEMPLATE))
            && settings.getString("prompt_language", "").isEmpty() && !settings.getBoolean("prompt_chat", false);
    }

    @Override
    public void saveTo(final NodeSettingsWO settings) {
        super.saveTo(settings);
        promptFromAdapter.saveSettingsTo(settings);
        adapterColumn.saveSettingsTo(settings);
    }

    @Override
    public void validate(final NodeSettingsRO settings) throws InvalidSettingsException {
        super.validate(settings);
        if (settings.containsKey(PROMPT_FROM_ADAPTER)) {
            promptFromAdapter.validateSettings(settings);
        }
        if (settings.containsKey(ADAPTER_COLUMN)) {
            adapterColumn.validateSettings(settings);
        }
    }

    @Override
    public void loadFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        if (settings.containsKey(PROMPT_FROM_ADAPTER)) {
            promptFromAdapter.loadSettingsFrom(settings);
        } else {
            promptFromAdapter.setBooleanValue(legacyFromAdapter(settings));
        }
        adapterColumn.setStringValue(settings.getString(ADAPTER_COLUMN, ""));
        super.loadFrom(settings);
    }

    /** The model's defaults with the values the user set on top. */
    GenerationConfig apply(final GenerationConfig cfg) throws InvalidSettingsException {
        if (maxNewTokens.getIntValue() > 0) {
            cfg.maxNewTokens(maxNewTokens.getIntValue());
        }
        if (sample.getBooleanValue()) {
            cfg.doSample(true);
        }
        if (temperature.getDoubleValue() > 0) {
            cfg.temperature(temperature.getDoubleValue());
        }
        if (topK.getIntValue() > 0) {
            cfg.topK(topK.getIntValue());
        }
        if (topP.getDoubleValue() > 0) {
            cfg.topP(topP.getDoubleValue());
        }
        if (beams.getIntValue() > 0) {
            cfg.numBeams(beams.getIntValue());
        }
        cfg.seed(seed.getLongValue());
        return checked(() -> {
            cfg.validate();
            return cfg;
        });
    }

    @Override
    protected void check() throws InvalidSettingsException {
        prompt.format();
        SharedOptions.checkDevice(device);
        if (!java.util.List.of("auto", "float32", "bfloat16", "float16").contains(dtype.getStringValue())) {
            throw new InvalidSettingsException("Compute type '" + dtype.getStringValue() + "' is unknown: use auto, float32, bfloat16 or float16.");
        }
    }
}
