package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralab.engine.cli.LoraLabCli;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.params.SummarizeParams;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.ParamSpec;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Spark's summarize and rouge take the node options of {@code loralab summarize|rouge}: same flags, defaults, help and types. */
class SparkOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"summarize", "rouge"})
    void sparkTakesTheNodeOptionsOfTheCli(String command) {
        CommandSpec cli = new CommandLine(new LoraLabCli()).getSubcommands().get(command).getCommandSpec();
        CommandSpec spark = SparkCli.commandLine().getSubcommands().get(command).getCommandSpec();
        ParamSchema<?> schema = command.equals("summarize") ? SummarizeParams.SCHEMA : RougeParams.SCHEMA;
        List<String> flags = new ArrayList<>();
        for (ParamSpec p : schema.params()) {
            // Spark's --adapter-col names a folder per row, the schema's a bank entry: Spark keeps its own
            if (p.isCliOption() && !p.key().equals("adapter_column")) {
                flags.add(p.cli().get(0));
            }
        }
        flags.add(command.equals("summarize") ? "--chat-template-arg" : "--types");
        assertTrue(flags.size() > 5, flags.toString());
        for (String flag : flags) {
            OptionSpec c = cli.findOption(flag);
            OptionSpec s = spark.findOption(flag);
            assertNotNull(c, "cli " + command + " " + flag);
            assertNotNull(s, "spark " + command + " " + flag);
            assertEquals(Arrays.asList(c.names()), Arrays.asList(s.names()), flag);
            assertEquals(c.defaultValue(), s.defaultValue(), flag + " default");
            assertEquals(Arrays.asList(c.description()), Arrays.asList(s.description()), flag + " help");
            assertEquals(c.type(), s.type(), flag + " type");
            assertEquals(c.arity(), s.arity(), flag + " arity");
            assertEquals(c.negatable(), s.negatable(), flag + " negatable");
            assertEquals(c.splitRegex(), s.splitRegex(), flag + " split");
        }
        if (command.equals("summarize")) {
            assertNotEquals(Arrays.asList(cli.findOption("--adapter-col").description()),
                    Arrays.asList(spark.findOption("--adapter-col").description()), "--adapter-col: Spark's names a folder");
        }
    }
}
