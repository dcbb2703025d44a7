package org.loralab.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.params.PromptParams;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.prompt.TemplateArgs;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;

/**
 * The settings of a Spark Summarize job, as the {@code summarize} command takes them; serialized to
 * every executor, which opens the model from {@link #model} (a folder every executor can read).
 * The node's parameters travel as {@link SummarizeParams}' saved values ({@link #params}), so each
 * setting and its default is declared once, in the schema; here only what Spark adds.
 */
public final class SummarizeJob implements Serializable {

    private static final long serialVersionUID = 2L;

    public String model;
    /** The adapter of rows without one in {@link #adapterColumn} (null: the base model alone). */
    public String adapter;
    /** Column naming each row's adapter folder; a null or blank cell takes {@link #adapter}. */
    public String adapterColumn;
    /** Column of unique whole row numbers (seeds, errors, bootstrap order); null: each row's position in the input. */
    public String rowColumn;
    /** Rows of a partition summarized at a time: a task holds one chunk, never its whole partition. */
    public int chunkRows = 2048;
    /**
     * {@link SummarizeParams} as saved values (key to value); an absent key takes the schema's default. A prompt
     * key (template, language hint, chat) that is absent is "not given": the adapter's recorded prompt applies, as in the CLI.
     */
    public HashMap<String, Object> params = new HashMap<>();
    /** Variables of the chat template as NAME=VALUE (the CLI's --chat-template-arg). */
    public ArrayList<String> templateArgs;

    private transient SummarizeParams parsed;

    /** The node's parameters; bad values fail here, naming the parameter. */
    SummarizeParams params() {
        if (parsed == null) {
            parsed = SummarizeParams.SCHEMA.fromValues(params);
        }
        return parsed;
    }

    /** The engine's options for rows summarized with {@code adapterDir} (null: the base model). */
    SummarizeOptions options(String adapterDir) throws IOException {
        Path a = adapterDir == null ? null : Path.of(adapterDir);
        PromptParams p = params().prompt();
        PromptChoice prompt = PromptChoice.resolve(params.containsKey("prompt_template") ? p.template() : null,
                params.containsKey("prompt_language") ? p.language() : null,
                params.containsKey("prompt_chat") ? Boolean.valueOf(p.chat()) : null, TemplateArgs.parse(templateArgs), a);
        return params().options(Path.of(model), a, prompt.format());
    }

    /** The model folder's generation defaults with this job's settings, as the CLI applies them. */
    GenerationConfig generation(Summarizer s) throws IOException {
        return params().apply(s.defaults());
    }

    void validate() {
        if (model == null) {
            throw new IllegalArgumentException("name the base model folder");
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows must be at least 1");
        }
        params();
    }

    /** Puts saved values of the schema (e.g. from {@code SummarizeParams.SCHEMA.values(...)}) into {@link #params}. */
    SummarizeJob with(Map<String, ?> values) {
        params.putAll(values);
        parsed = null;
        return this;
    }
}
