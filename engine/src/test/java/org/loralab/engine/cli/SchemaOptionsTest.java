package org.loralab.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralab.engine.params.MergeParams;
import org.loralab.engine.params.RougeParams;
import org.loralab.engine.params.TrainParams;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The commands' options come from the node schemas: the flags users and scripts know still parse, with the node's help. */
class SchemaOptionsTest {

    /** Every option the commands had before their parameters moved into the schemas. */
    private static final Map<String, List<String>> FLAGS = Map.of(
            "train", List.of("--model", "--data", "--validation", "--document-col", "--summary-col", "--out", "--overwrite", "--init",
                    "--rank", "--alpha", "--dropout", "--targets", "--rslora", "--trf", "--epochs", "--lr", "--batch", "--accumulate",
                    "--warmup", "--schedule", "--weight-decay", "--clip", "--max-length", "--seed", "--patience", "--checkpoint",
                    "--resume", "--save-steps", "--device", "--language", "--domain", "--task", "--description", "--template",
                    "--language-hint", "--chat", "--chat-template-arg"),
            "merge", List.of("--model", "--adapters", "--bank", "--method", "--weights", "--density", "--svd-rank", "--seed", "--data",
                    "--document-col", "--summary-col", "--budget", "--prune-ratio", "--importance", "--granularity", "--prune-schedule",
                    "--epochs", "--lr", "--task-description", "--top-k", "--temperature", "--out", "--overwrite", "--export-model",
                    "--device", "--template", "--language-hint", "--chat", "--chat-template-arg"),
            "summarize", List.of("--model", "--adapter", "--adapters", "--adapter-col", "--merge", "--data", "--document-col", "--out", "--max-input-tokens", "--batch",
                    "--device", "--dtype", "--max-new-tokens", "--sample", "--temperature", "--top-k", "--top-p", "--repetition-penalty",
                    "--seed", "--beams", "--template", "--language-hint", "--chat", "--no-chat", "--chat-template-arg", "--chunk-rows"),
            "rouge", List.of("--data", "--prediction-col", "--reference-col", "--language", "--language-col", "--japanese",
                    "--no-stemmer", "--types", "--bootstrap", "--confidence", "--seed", "--out", "--summary"),
            "generate", List.of("--model", "--chat", "--chat-template-arg", "--device", "--dtype", "--max-new-tokens", "--sample",
                    "--temperature", "--top-k", "--top-p", "--repetition-penalty", "--seed", "--beams"),
            "bank", List.of("--model", "--out"));

    @Test
    void everyFormerFlagIsStillAnOption() {
        CommandLine cli = LoraLabCli.commandLine();
        FLAGS.forEach((command, flags) -> {
            CommandSpec spec = cli.getSubcommands().get(command).getCommandSpec();
            for (String flag : flags) {
                String name = flag.startsWith("--no-") ? "--" + flag.substring(5) : flag;
                assertNotNull(spec.findOption(name), command + " " + flag);
                if (flag.startsWith("--no-")) {
                    assertTrue(spec.findOption(name).negatable(), command + " " + flag);
                }
            }
        });
    }

    @Test
    void helpShowsTheNodesTextAndDefault() {
        String usage = LoraLabCli.commandLine().getSubcommands().get("train").getUsageMessage();
        String help = TrainParams.SCHEMA.param("max_grad_norm").help();
        assertTrue(usage.contains(help), usage);
        String device = SchemaOptions.helpText(TrainParams.SCHEMA.param("device"));
        assertEquals("auto uses the first GPU when one is visible, else the CPU; gpu:N picks a GPU.", device);
        assertTrue(usage.replaceAll("\\s+", " ").contains("--lr=<learning_rate> Peak learning rate of AdamW. Default: 2e-4"), usage);
    }

    private static <R extends Record> R parse(String command, Class<R> type, String... args) {
        CommandLine top = LoraLabCli.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        top.parseArgs(all);
        return SchemaOptions.read(top.getSubcommands().get(command).getCommandSpec(), org.loralab.engine.params.ParamSchema.of(type));
    }

    @Test
    void givenFlagsSetTheRecordAndTheRestAreTheNodesDefaults() {
        TrainParams t = parse("train", TrainParams.class, "-m", "demo", "--data", "d.csv", "--out", "o", "--lr", "3e-3", "--schedule",
                "cosine", "--template", "A {document}\\nB", "--trf");
        assertEquals(3e-3, t.learningRate());
        assertEquals("A {document}\nB", t.prompt().template());
        assertTrue(t.taskFilter());
        assertEquals(TrainParams.defaults().rank(), t.rank());
        MergeParams m = parse("merge", MergeParams.class, "-m", "demo", "--out", "o");
        assertEquals(MergeParams.defaults(), m);
        RougeParams r = parse("rouge", RougeParams.class, "--data", "d.csv", "--out", "o", "--no-stemmer", "--reference-col", "a,b");
        assertEquals(List.of("a", "b"), r.referenceColumns());
        assertEquals(false, r.useStemmer());
        assertEquals(true, parse("rouge", RougeParams.class, "--data", "d.csv", "--out", "o").useStemmer());
    }
}
