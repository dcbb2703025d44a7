package org.loralab.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.generate.TextGenerator;
import org.loralab.engine.model.Architecture;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job. For now it exercises the foundation end to end: writes a tiny checkpoint of each
 * architecture, loads it back and generates with greedy, sampling and beam search. Later issues
 * grow it into the full train / merge / summarize / ROUGE comparison.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the LoRA Lab demo.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--work-dir", description = "where to write models (default: a temporary folder)")
    Path workDir;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N")
    String device;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("loralab-demo");
        List<String> prompts = List.of("Summarize: heavy rain in Osaka tonight.", "要約: 大阪で大雨。");
        for (Architecture arch : Architecture.values()) {
            Path modelDir = new TinyCheckpoint().architecture(arch).write(dir.resolve(arch.name().toLowerCase()));
            try (TextGenerator g = TextGenerator.load(modelDir, new ModelOptions(device, "auto"))) {
                System.out.println("== " + arch.hfName() + " on " + g.model().device()
                        + " (random weights, so the text is noise; trained models come with the full demo)");
                GenerationConfig base = g.defaults().maxNewTokens(16);
                print("greedy", prompts, g.generate(prompts, base, true, new ConsoleProgress("greedy")));
                print("sample", prompts, g.generate(prompts, g.defaults().maxNewTokens(16).doSample(true).topP(0.9).seed(7),
                        true, new ConsoleProgress("sample")));
                print("beams=4", prompts, g.generate(prompts, g.defaults().maxNewTokens(16).numBeams(4), true,
                        new ConsoleProgress("beams")));
            }
        }
        System.out.println("demo finished: models in " + dir);
        return 0;
    }

    private static void print(String mode, List<String> prompts, List<String> outputs) {
        ConsoleProgress.clear();
        for (int i = 0; i < prompts.size(); i++) {
            System.out.printf("  %-8s %s -> %s%n", mode, prompts.get(i), outputs.get(i).replace("\n", "\\n"));
        }
    }
}
