package org.loralab.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.TemplateArgs;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;

/**
 * The settings of a Spark Summarize job, as the {@code summarize} command takes them; serialized to
 * every executor, which opens the model from {@link #model} (a folder every executor can read).
 * Unset (null) generation settings keep the model folder's generation_config.json, as the CLI does.
 */
public final class SummarizeJob implements Serializable {

    private static final long serialVersionUID = 1L;

    public String model;
    /** The adapter of rows without one in {@link #adapterColumn} (null: the base model alone). */
    public String adapter;
    /** Column naming each row's adapter folder; a null or blank cell takes {@link #adapter}. */
    public String adapterColumn;
    public boolean merge;
    public String documentColumn = "document";
    /** Column of unique whole row numbers (seeds, errors, bootstrap order); null: each row's position in the input. */
    public String rowColumn;
    public int maxInputTokens = 1024;
    public int batch = 8;
    /** Rows of a partition summarized at a time: a task holds one chunk, never its whole partition. */
    public int chunkRows = 2048;
    public String device = "auto";
    public String dtype = "auto";
    // Prompt: null is "not set" (the adapter's recorded one, else the default), as the CLI.
    public String template;
    public String languageHint;
    public Boolean chat;
    public ArrayList<String> templateArgs;
    // Generation: null keeps generation_config.json.
    public Integer maxNewTokens;
    public boolean sample;
    public Double temperature;
    public Integer topK;
    public Double topP;
    public Double repetitionPenalty;
    public Integer beams;
    public long seed = 42;

    /** The engine's options for rows summarized with {@code adapterDir} (null: the base model). */
    SummarizeOptions options(String adapterDir) throws IOException {
        Path a = adapterDir == null ? null : Path.of(adapterDir);
        PromptChoice prompt = PromptChoice.resolve(template, languageHint, chat, TemplateArgs.parse(templateArgs), a);
        return new SummarizeOptions(Path.of(model), a, merge, prompt.format(), maxInputTokens, batch,
                new ModelOptions(device, dtype));
    }

    /** The model folder's generation defaults with this job's settings, as the CLI applies them. */
    GenerationConfig generation(Summarizer s) throws IOException {
        GenerationConfig cfg = s.defaults();
        if (maxNewTokens != null) {
            cfg.maxNewTokens(maxNewTokens);
        }
        if (sample) {
            cfg.doSample(true);
        }
        if (temperature != null) {
            cfg.temperature(temperature);
        }
        if (topK != null) {
            cfg.topK(topK);
        }
        if (topP != null) {
            cfg.topP(topP);
        }
        if (repetitionPenalty != null) {
            cfg.repetitionPenalty(repetitionPenalty);
        }
        if (beams != null) {
            cfg.numBeams(beams);
        }
        return cfg.seed(seed);
    }

    void validate() {
        if (model == null) {
            throw new IllegalArgumentException("name the base model folder");
        }
        if (chunkRows < 1 || batch < 1 || maxInputTokens < 1) {
            throw new IllegalArgumentException("chunk rows, batch and max input tokens must be at least 1");
        }
    }
}
