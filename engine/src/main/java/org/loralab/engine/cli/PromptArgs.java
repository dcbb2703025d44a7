package org.loralab.engine.cli;

import java.util.List;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.prompt.TemplateArgs;
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

    @Option(names = "--chat-template-arg", paramLabel = "NAME=VALUE",
            description = "a variable for the chat template, as apply_chat_template's keyword arguments, e.g."
                    + " enable_thinking=false (repeatable; JSON literals such as true, 3 or \"x\" are values, other text a string)")
    List<String> templateArgs;

    PromptFormat format() {
        return new PromptFormat(template.replace("\\n", "\n"), language, chat, TemplateArgs.parse(templateArgs));
    }
}
