package org.loralab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.PromptParams;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.prompt.TemplateArgs;
import org.loralab.engine.summarize.PromptChoice;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What only the command line adds to the prompt parameters (the schema's --template, --language-hint
 * and --chat): chat-template arguments, and summarize's rule that what is not given comes from the adapter.
 * Public as a mixin for Spark's summarize, which resolves the prompt per adapter on the executors.
 */
public final class PromptArgs {

    static final ParamSchema<PromptParams> SCHEMA = ParamSchema.of(PromptParams.class);

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--chat-template-arg", paramLabel = "NAME=VALUE",
            description = "a variable for the chat template, as apply_chat_template's keyword arguments, e.g."
                    + " enable_thinking=false (repeatable; JSON literals such as true, 3 or \"x\" are values, other text a string)")
    List<String> templateArgs;

    /** The --chat-template-arg values as typed (null: none). */
    public List<String> templateArgsAsGiven() {
        return templateArgs;
    }

    Map<String, Object> templateArgs() {
        return TemplateArgs.parse(templateArgs);
    }

    /** The prompt as given (defaults for what is not). */
    PromptFormat format() {
        PromptParams p = SchemaOptions.read(command, SCHEMA);
        return new PromptFormat(p.template(), p.language(), p.chat(), templateArgs());
    }

    /** What was given, the rest from the adapter's loralab.json (or the defaults): an adapter sees its training prompt. */
    PromptChoice choose(Path adapter) throws IOException {
        PromptParams p = SchemaOptions.read(command, SCHEMA);
        return PromptChoice.resolve(given("prompt_template") ? p.template() : null, given("prompt_language") ? p.language() : null,
                given("prompt_chat") ? Boolean.valueOf(p.chat()) : null, templateArgs(), adapter);
    }

    /** Whether a prompt option was typed (summarize: else the adapter's recorded one applies). */
    public boolean given(String key) {
        return SchemaOptions.given(command, SCHEMA, key);
    }
}
