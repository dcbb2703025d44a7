package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.loralab.engine.generate.GenerationConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ModelArgsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin ModelArgs args;
    }

    @Test
    void repetitionPenaltyOverridesGenerationConfigOnlyWhenGiven() {
        Probe given = new Probe();
        new CommandLine(given).parseArgs("--repetition-penalty", "1.3");
        assertEquals(1.3, given.args.apply(GenerationConfig.greedy().repetitionPenalty(1.1)).repetitionPenalty());
        Probe absent = new Probe();
        new CommandLine(absent).parseArgs();
        assertEquals(1.1, absent.args.apply(GenerationConfig.greedy().repetitionPenalty(1.1)).repetitionPenalty());
    }
}
