package org.loralab.engine.cli;

import org.loralab.engine.prompt.PromptFormat;
import picocli.CommandLine.Option;

/** How documents become prompts; training and summarizing must use the same. */
final class PromptArgs {

    @Option(names = "--template", defaultValue = PromptFormat.DEFAULT_TEMPLATE,
            description = "prompt with {document} (and optionally {language}); default: ${DEFAULT-VALUE}")
    String template;

    @Option(names = "--language-hint", defaultValue = "", description = "substituted for {language}, e.g. Japanese")
    String language;

    @Option(names = "--chat", description = "wrap the prompt in the model's chat template")
    boolean chat;

    PromptFormat format() {
        return new PromptFormat(template.replace("\\n", "\n"), language, chat);
    }
}
