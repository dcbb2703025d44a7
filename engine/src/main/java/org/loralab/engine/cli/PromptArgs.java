package org.loralab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.prompt.TemplateArgs;
import picocli.CommandLine.Option;

/** How documents become prompts; training and summarizing must use the same. */
final class PromptArgs {

    // No picocli defaults: null means "not given", so summarize can take the adapter's recorded prompt instead.
    @Option(names = "--template",
            description = "prompt with {document} (and optionally {language}); summarize: default the adapter's recorded"
                    + " template; otherwise and without one: " + PromptFormat.DEFAULT_TEMPLATE)
    String template;

    @Option(names = "--language-hint", description = "substituted for {language}, e.g. Japanese (summarize: default the adapter's)")
    String language;

    @Option(names = "--chat", negatable = true,
            description = "wrap the prompt in the model's chat template (summarize: default the adapter's choice)")
    Boolean chat;

    @Option(names = "--chat-template-arg", paramLabel = "NAME=VALUE",
            description = "a variable for the chat template, as apply_chat_template's keyword arguments, e.g."
                    + " enable_thinking=false (repeatable; JSON literals such as true, 3 or \"x\" are values, other text a string)")
    List<String> templateArgs;

    PromptFormat format() {
        return new PromptFormat(template == null ? PromptFormat.DEFAULT_TEMPLATE : unescaped(template), language == null ? "" : language,
                chat != null && chat, TemplateArgs.parse(templateArgs));
    }

    /** What was given, the rest from the adapter's loralab.json (or the defaults): an adapter sees its training prompt. */
    PromptChoice choose(Path adapter) throws IOException {
        return PromptChoice.resolve(template == null ? null : unescaped(template), language, chat, TemplateArgs.parse(templateArgs), adapter);
    }

    private static String unescaped(String t) {
        return t.replace("\\n", "\n");
    }
}
