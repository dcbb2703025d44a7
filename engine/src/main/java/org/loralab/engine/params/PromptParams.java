package org.loralab.engine.params;

import java.util.Map;
import org.loralab.engine.prompt.PromptFormat;

/** How documents become prompts: the same three parameters wherever a node prompts the model. */
public record PromptParams(
        @Param(key = "prompt_template", cli = "--template", label = "Template with {document} and optionally {language}",
                help = "The prompt the model sees before the summary; train, merge and summarize an adapter with the same one.",
                group = PromptParams.GROUP, value = PromptFormat.DEFAULT_TEMPLATE, widget = Widget.MULTILINE, cliEscapes = true)
        String template,
        @Param(key = "prompt_language", cli = "--language-hint", label = "Text for {language}",
                help = "Substituted for {language}, for example <tt>Japanese</tt>; empty: the document's language.",
                group = PromptParams.GROUP, value = "")
        String language,
        @Param(key = "prompt_chat", cli = "--chat", label = "Wrap in the model's chat template",
                help = "Use the tokenizer's chat template around the prompt.", group = PromptParams.GROUP, value = "false")
        boolean chat) {

    static final String GROUP = "Prompt (use the same for training and summarizing)";

    public PromptParams {
        new PromptFormat(template, language, chat); // a template without {document} is refused here, naming it
    }

    public PromptFormat format() {
        return new PromptFormat(template, language, chat);
    }

    /** With variables for the chat template (the CLI's --chat-template-arg). */
    public PromptFormat format(Map<String, Object> templateArgs) {
        return new PromptFormat(template, language, chat, templateArgs);
    }

    /** True when nothing differs from the defaults. */
    public boolean isDefault() {
        return PromptFormat.DEFAULT_TEMPLATE.equals(template) && language.isEmpty() && !chat;
    }
}
