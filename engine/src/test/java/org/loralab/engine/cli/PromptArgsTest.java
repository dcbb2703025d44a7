package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class PromptArgsTest {

    /** The prompt parameters as the commands get them. */
    static final class PromptOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            return SchemaOptions.addTo(spec, PromptArgs.SCHEMA);
        }
    }

    @Command(name = "probe", modelTransformer = PromptOptions.class)
    static final class Probe {
        @Mixin PromptArgs prompt;
    }

    @Test
    void chatTemplateArgumentsRepeatAndParseAsJsonLiterals() {
        Probe p = new Probe();
        new CommandLine(p).parseArgs("--chat", "--chat-template-arg", "enable_thinking=false", "--chat-template-arg", "budget=512");
        assertEquals(Map.of("enable_thinking", false, "budget", 512L), p.prompt.format().templateArgs());
        Probe none = new Probe();
        new CommandLine(none).parseArgs();
        assertEquals(Map.of(), none.prompt.format().templateArgs());
    }
}
