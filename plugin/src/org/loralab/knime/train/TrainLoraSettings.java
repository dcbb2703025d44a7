package org.loralab.knime.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDouble;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelLong;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.knime.SettingsGroup;
import org.loralab.knime.SharedOptions;

/** Settings of the Train LoRA node; defaults match the engine's and the CLI's. */
final class TrainLoraSettings extends SettingsGroup {

    final SettingsModelString baseModel = string("base_model", "demo");
    final SettingsModelString documentColumn = string("document_column", "document");
    final SettingsModelString summaryColumn = string("summary_column", "summary");
    final SettingsModelString output = string("output_folder", "");
    final SettingsModelBoolean overwrite = bool("overwrite", false);
    final SettingsModelBoolean keepInWorkflow = bool("keep_in_workflow", false);

    final SettingsModelIntegerBounded rank = integer("rank", 8, 1, 4096);
    final SettingsModelDouble alpha = number("alpha", 16, 1e-6, 1e6);
    final SettingsModelDouble dropout = number("dropout", 0.05, 0, 0.99);
    final SettingsModelString targets = string("target_modules", String.join(",", LoraConfig.ALL_LINEAR));
    final SettingsModelBoolean rslora = bool("rslora", false);
    final SettingsModelBoolean taskFilter = bool("lora_trf", false);

    final SettingsModelIntegerBounded epochs = integer("epochs", 3, 1, 100_000);
    final SettingsModelDouble learningRate = number("learning_rate", 2e-4, 1e-9, 10);
    final SettingsModelIntegerBounded batchSize = integer("batch_size", 4, 1, 4096);
    final SettingsModelIntegerBounded accumulation = integer("gradient_accumulation", 1, 1, 4096);
    final SettingsModelString schedule = string("lr_schedule", "linear");
    final SettingsModelDouble warmup = number("warmup_ratio", 0, 0, 1);
    final SettingsModelDouble weightDecay = number("weight_decay", 0, 0, 10);
    final SettingsModelDouble clip = number("max_grad_norm", 1.0, 0, 1e6);
    final SettingsModelIntegerBounded maxLength = integer("max_length", 512, 8, 1 << 20);
    final SettingsModelLong seed = seed("seed", 42);
    final SettingsModelIntegerBounded patience = integer("early_stopping_patience", 0, 0, 1000);
    final SettingsModelString checkpoint = string("checkpoint_folder", "");
    final SettingsModelBoolean resume = bool("resume", false);
    final SettingsModelIntegerBounded saveSteps = integer("checkpoint_every_steps", 0, 0, Integer.MAX_VALUE);

    final SettingsModelString language = string("language", "");
    final SettingsModelString domain = string("domain", "");
    final SettingsModelString task = string("task", "summarization");
    final SettingsModelString description = string("description", "");

    final SharedOptions.Prompt prompt = new SharedOptions.Prompt(string("prompt_template", PromptFormat.DEFAULT_TEMPLATE),
        string("prompt_language", ""), bool("prompt_chat", false));
    final SettingsModelString device = string("device", "auto");

    List<String> targetModules() {
        return Arrays.stream(targets.getStringValue().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    LrSchedule lrSchedule() throws InvalidSettingsException {
        try {
            return LrSchedule.valueOf(schedule.getStringValue().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException("Learning-rate schedule '" + schedule.getStringValue()
                + "' is unknown: use " + Arrays.toString(LrSchedule.values()).toLowerCase(Locale.ROOT) + ".", e);
        }
    }

    LoraConfig lora() {
        return LoraConfig.of(rank.getIntValue(), alpha.getDoubleValue(), targetModules()).withDropout(dropout.getDoubleValue())
            .withRslora(rslora.getBooleanValue());
    }

    TrainingConfig training() throws InvalidSettingsException {
        return checked(() -> TrainingConfig.defaults().withEpochs(epochs.getIntValue()).withLearningRate(learningRate.getDoubleValue())
                .withBatch(batchSize.getIntValue(), accumulation.getIntValue()).withSchedule(lrSchedule(), warmup.getDoubleValue())
                .withRegularisation(weightDecay.getDoubleValue(), clip.getDoubleValue()).withMaxSeqLength(maxLength.getIntValue())
                .withSeed(seed.getLongValue()).withEarlyStopping(patience.getIntValue()).withSaveEverySteps(saveSteps.getIntValue()));
    }

    @Override
    protected void check() throws InvalidSettingsException {
        if (targetModules().isEmpty()) {
            throw new InvalidSettingsException("Name at least one target module (for example q_proj,v_proj).");
        }
        lrSchedule();
        training();
        prompt.format();
        SharedOptions.checkDevice(device);
        if (resume.getBooleanValue() && checkpoint.getStringValue().isBlank()) {
            throw new InvalidSettingsException("Resuming needs a checkpoint folder.");
        }
    }
}
