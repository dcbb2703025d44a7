package org.loralab.engine.summarize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.prompt.PromptFormat;

/**
 * The prompt Summarize uses: each part the user set (template, language hint, chat flag, chat
 * template arguments), else what the adapter recorded in its loralab.json, else the defaults. An
 * adapter only ever saw its training prompt, so another one silently gives worse summaries.
 *
 * @param format the prompt to use
 * @param source which template it is, for the log: given, the adapter's (naming its file), or the default
 */
public record PromptChoice(PromptFormat format, String source) {

    /**
     * @param template the template the user set, or null for "not set"
     * @param language the language hint the user set, or null for "not set"
     * @param chat the chat flag the user set, or null for "not set"
     * @param templateArgs the chat template arguments the user set; null or empty for "not set"
     * @param adapter the adapter folder, or null for the base model alone
     */
    public static PromptChoice resolve(String template, String language, Boolean chat, Map<String, Object> templateArgs,
            Path adapter) throws IOException {
        PromptFormat recorded = recorded(adapter);
        PromptFormat fallback = recorded != null ? recorded : PromptFormat.defaults();
        PromptFormat format = new PromptFormat(
                template != null ? template : fallback.template(),
                language != null ? language : fallback.language(),
                chat != null ? chat : fallback.chat(),
                templateArgs != null && !templateArgs.isEmpty() ? templateArgs : fallback.templateArgs());
        String source = template != null ? "the given template"
                : recorded != null ? adapters(adapter)
                : "the default template" + (adapter == null ? "" : " (" + adapter + " records none)");
        return new PromptChoice(format, source);
    }

    /**
     * The node's rule: with {@code preferAdapter}, the adapter's recorded prompt when it records one
     * (the own chat template arguments still win when set), else {@code own}.
     */
    public static PromptChoice resolve(PromptFormat own, boolean preferAdapter, Path adapter) throws IOException {
        PromptFormat recorded = preferAdapter ? recorded(adapter) : null;
        if (recorded == null) {
            return new PromptChoice(own, "the node's template" + (preferAdapter && adapter != null ? " (the adapter records none)" : ""));
        }
        return new PromptChoice(own.templateArgs().isEmpty() ? recorded : recorded.withTemplateArgs(own.templateArgs()),
                adapters(adapter));
    }

    private static String adapters(Path adapter) {
        return "the adapter's template (from " + adapter.resolve(AdapterMetadata.FILE) + ")";
    }

    /** The prompt recorded in the adapter's loralab.json, or null (no adapter, no sidecar, none recorded). */
    public static PromptFormat recorded(Path adapter) throws IOException {
        if (adapter == null) {
            return null;
        }
        AdapterMetadata meta = AdapterMetadata.load(adapter);
        try {
            return meta == null ? null : meta.prompt();
        } catch (IllegalArgumentException e) {
            throw new IOException(adapter.resolve(AdapterMetadata.FILE) + ": the recorded prompt is not valid (" + e.getMessage() + ")", e);
        }
    }
}
