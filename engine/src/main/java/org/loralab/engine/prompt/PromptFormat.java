package org.loralab.engine.prompt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a document becomes a prompt, shared by training and summarization so an adapter always
 * sees the prompt it was trained on.
 *
 * @param template text with a {@code {document}} placeholder and optionally {@code {language}}
 * @param language language hint substituted for {@code {language}}; blank means "the document's language"
 * @param chat wrap the filled template as the user turn of the model's chat template
 * @param templateArgs extra variables for the chat template, as apply_chat_template's keyword
 *     arguments (e.g. Qwen3's {@code enable_thinking=false}); empty for none
 */
public record PromptFormat(String template, String language, boolean chat, Map<String, Object> templateArgs) {

    public static final String DEFAULT_TEMPLATE =
            "Summarize the following document in {language}.\n\nDocument:\n{document}\n\nSummary:";

    public PromptFormat {
        if (template == null || !template.contains("{document}")) {
            throw new IllegalArgumentException("the prompt template must contain the placeholder {document}");
        }
        if (template.indexOf("{document}") != template.lastIndexOf("{document}")) {
            throw new IllegalArgumentException("the prompt template must contain {document} exactly once");
        }
        templateArgs = templateArgs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(templateArgs));
    }

    public PromptFormat(String template, String language, boolean chat) {
        this(template, language, chat, Map.of());
    }

    public static PromptFormat defaults() {
        return new PromptFormat(DEFAULT_TEMPLATE, "", false);
    }

    public PromptFormat withLanguage(String l) {
        return new PromptFormat(template, l, chat, templateArgs);
    }

    public PromptFormat withChat(boolean c) {
        return new PromptFormat(template, language, c, templateArgs);
    }

    public PromptFormat withTemplateArgs(Map<String, Object> args) {
        return new PromptFormat(template, language, chat, args);
    }

    /** The template with the document and the language hint filled in. */
    public String fill(String document) {
        String lang = language == null || language.isBlank() ? "the document's language" : language;
        // Substitute the language first so a document containing "{language}" is left untouched.
        String t = template.replace("{language}", lang);
        int at = t.indexOf("{document}");
        return t.substring(0, at) + document + t.substring(at + "{document}".length());
    }
}
