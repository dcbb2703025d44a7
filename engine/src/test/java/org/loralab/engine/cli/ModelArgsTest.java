package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.params.SummarizeParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Summarize's decoding options (also generate's): a value overrides generation_config.json only when given. */
class ModelArgsTest {

    @Command(name = "probe", modelTransformer = GenerateCommand.Options.class)
    static final class Probe {
        @Spec CommandSpec spec;

        SummarizeParams params() {
            return SchemaOptions.read(spec, SummarizeParams.SCHEMA);
        }
    }

    @Test
    void repetitionPenaltyOverridesGenerationConfigOnlyWhenGiven() {
        Probe given = new Probe();
        new CommandLine(given).parseArgs("--repetition-penalty", "1.3");
        assertEquals(1.3, given.params().apply(GenerationConfig.greedy().repetitionPenalty(1.1)).repetitionPenalty());
        Probe absent = new Probe();
        new CommandLine(absent).parseArgs();
        assertEquals(1.1, absent.params().apply(GenerationConfig.greedy().repetitionPenalty(1.1)).repetitionPenalty());
    }
}
