package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.generate.TextGenerator;
import org.loralab.engine.prompt.TemplateArgs;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import org.loralab.engine.params.ParamSpec;
import org.loralab.engine.params.SummarizeParams;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a HF checkpoint folder (Llama, Qwen2, Qwen3).", modelTransformer = GenerateCommand.Options.class)
final class GenerateCommand implements Callable<Integer> {

    /** Summarize's device, compute type and decoding parameters. */
    static final class Options implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return SchemaOptions.addTo(spec, SummarizeParams.SCHEMA, GenerateCommand::decoding);
        }
    }

    static boolean decoding(ParamSpec p) {
        return p.key().equals("device") || p.key().equals("dtype") || p.tab().equals("Decoding");
    }

    @Spec CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP)
    Path model;

    @Option(names = "--chat", description = "wrap each prompt in the model's chat template")
    boolean chat;

    @Option(names = "--chat-template-arg", paramLabel = "NAME=VALUE",
            description = "a variable for the chat template, e.g. enable_thinking=false (repeatable; as --chat-template-arg of train)")
    List<String> templateArgs;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "one or more prompts, generated as one batch")
    List<String> prompts;


    @Override
    public Integer call() throws Exception {
        SummarizeParams p = SchemaOptions.read(spec, SummarizeParams.SCHEMA);
        InfoCommand.printEngine(p.device().device());
        try (TextGenerator generator = TextGenerator.load(model, p.device().options(p.dtype()))) {
            System.out.println("model: " + generator.model().dtypeChoice());
            GenerationConfig cfg = p.apply(generator.defaults());
            long start = System.nanoTime();
            List<String> outputs = generator.generate(prompts, cfg, chat, TemplateArgs.parse(templateArgs),
                    new ConsoleProgress("generating"));
            ConsoleProgress.clear();
            for (int i = 0; i < outputs.size(); i++) {
                System.out.println("[" + i + "] " + prompts.get(i));
                System.out.println("  -> " + outputs.get(i));
            }
            System.err.printf("%d prompt(s) in %.2f s on %s%n", prompts.size(), (System.nanoTime() - start) / 1e9,
                    generator.model().device());
        }
        return 0;
    }
}
