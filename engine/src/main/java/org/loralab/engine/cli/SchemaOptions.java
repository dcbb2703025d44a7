package org.loralab.engine.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.loralab.engine.params.ParamSchema;
import org.loralab.engine.params.ParamSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A node's parameters as picocli options, made from its {@link ParamSchema}: the names, help text
 * and default are the schema's, so a command declares only its file arguments. Public for the
 * commands of other modules (Spark's) that take the same node options.
 */
public final class SchemaOptions {

    private SchemaOptions() {
    }

    /** Adds every CLI parameter of the schema to the command. */
    public static CommandSpec addTo(CommandSpec command, ParamSchema<?> schema) {
        return addTo(command, schema, p -> true);
    }

    public static CommandSpec addTo(CommandSpec command, ParamSchema<?> schema, Predicate<ParamSpec> which) {
        for (ParamSpec p : schema.params()) {
            if (p.isCliOption() && which.test(p)) {
                command.addOption(option(p));
            }
        }
        return command;
    }

    static OptionSpec option(ParamSpec p) {
        OptionSpec.Builder b = OptionSpec.builder(p.cli().toArray(String[]::new)).description(helpText(p)).paramLabel("<" + p.key() + ">");
        switch (p.kind()) {
            case BOOLEAN -> {
                // no picocli default: --x is true, --no-x false, neither the schema's default (null here)
                b.type(Boolean.class).arity("0").negatable(true);
            }
            case INT -> b.type(int.class).defaultValue(p.defaultText());
            case LONG -> b.type(long.class).defaultValue(p.defaultText());
            case DOUBLE -> b.type(double.class).defaultValue(p.defaultText());
            default -> {
                b.type(String.class);
                if (!p.defaultText().isEmpty()) {
                    b.defaultValue(p.defaultText().replace("\n", "\\n"));
                }
            }
        }
        return b.build();
    }

    /** The help text of the node description without its markup, plus the choices. */
    static String helpText(ParamSpec p) {
        String text = p.help().replaceAll("<[^>]+>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        if (p.kind() == ParamSpec.Kind.BOOLEAN && Boolean.TRUE.equals(p.defaultValue())) {
            text += " On by default.";
        }
        if (!p.choices().isEmpty() && p.kind() == ParamSpec.Kind.ENUM) {
            text += " (" + String.join(", ", p.choices()) + ")";
        }
        return text.replace("%", "%%"); // picocli formats descriptions
    }

    /** The record of the parsed command line; options not given take their defaults. */
    public static <R extends Record> R read(CommandSpec command, ParamSchema<R> schema) {
        Map<String, Object> values = new HashMap<>();
        for (ParamSpec p : schema.params()) {
            if (!p.isCliOption()) {
                continue;
            }
            OptionSpec option = command.findOption(p.cli().get(0));
            if (option == null) {
                continue; // a command showing part of the schema (generate)
            }
            Object v = option.getValue();
            if (v instanceof String s && p.cliEscapes()) {
                v = s.replace("\\n", "\n");
            }
            if (v != null) {
                values.put(p.key(), v);
            }
        }
        return schema.fromValues(values);
    }

    /** Whether the parameter was typed on the command line (not its default). */
    public static boolean given(CommandSpec command, ParamSchema<?> schema, String key) {
        OptionSpec option = command.findOption(schema.param(key).cli().get(0));
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }
}
