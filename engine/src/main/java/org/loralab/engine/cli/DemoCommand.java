package org.loralab.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.loralab.engine.demo.DemoReport;
import org.loralab.engine.demo.DemoRunner;
import org.loralab.engine.demo.DemoSettings;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.model.BaseModelLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: bank adapters on high-resource pairs, then every way to get a Japanese-medical
 * adapter from 16 examples, each tuned on dev with the same budget and scored once on test;
 * report as table, CSV, Markdown, PNG and HTML.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a bank, adapt to a low-resource target every way LoRA Lab offers, and compare by ROUGE.")
final class DemoCommand implements Callable<Integer> {

    static final String README_START = "<!-- loralab demo results: start -->";
    static final String README_END = "<!-- loralab demo results: end -->";

    @Option(names = "--out", defaultValue = "loralab-demo", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--base-model", converter = ModelFolder.class,
            description = "base model folder, or 'demo' (default: the small model shipped in the jar)")
    Path baseModel;

    @Option(names = "--quick", description = "a reduced run of under a minute, to check the installation")
    boolean quick;

    @Option(names = "--seed", description = "training seed and draw of the settings tried (default: ${DEFAULT-VALUE})", defaultValue = "7")
    long seed;

    @Option(names = "--readme", description = "replace the results section of this README with this run's table")
    Path readme;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        Path work = out.resolve("work");
        Path model = baseModel != null ? baseModel : BaseModelLocation.resolve(BaseModelLocation.DEMO, work);
        DemoSettings s = (quick ? DemoSettings.reduced() : DemoSettings.full()).withSeed(seed);
        System.out.println("LoRA Lab demo: target = Japanese medical notes with " + s.targetRows() + " examples; " + s.devRows()
                + " dev rows choose each method's settings; " + s.testRows() + " test rows are scored once; base model " + model);
        DemoRunner.Result result = new DemoRunner(s, work, model, new ConsoleProgress("  progress"))
                .run(msg -> {
                    ConsoleProgress.clear();
                    System.out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
                });
        ConsoleProgress.clear();
        System.out.println();
        System.out.print(DemoReport.table(result.rows()));
        System.out.println("\ntime per stage:");
        result.stages().forEach(st -> System.out.printf(Locale.ROOT, "  %-60s %7.1f s%n", st.name(), st.seconds()));
        double broken = result.rows().stream().mapToDouble(DemoRunner.Row::replacementShare).average().orElse(0);
        System.out.printf(Locale.ROOT, "test outputs holding U+FFFD: %.1f%%%n", 100 * broken);
        DemoReport.write(result, out, "LoRA Lab demo: Japanese medical notes from " + s.targetRows() + " examples");
        if (readme != null) {
            replaceSection(readme, DemoReport.protocol(result) + "\n\n" + DemoReport.markdown(result));
            System.out.println("updated the results section of " + readme);
        }
        System.out.printf(Locale.ROOT, "%nreport: %s (results.csv, results.md, rouge.png, report.html); %.0f s in all%n",
                out.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Puts {@code body} between the README's result markers, so its table is never edited by hand. */
    static void replaceSection(Path readme, String body) throws IOException {
        String text = Files.readString(readme);
        int a = text.indexOf(README_START);
        int b = text.indexOf(README_END);
        if (a < 0 || b < a) {
            throw new IOException(readme + ": has no '" + README_START + "' ... '" + README_END + "' section to replace");
        }
        AtomicFiles.writeString(readme, text.substring(0, a + README_START.length()) + "\n" + body + text.substring(b));
    }
}
