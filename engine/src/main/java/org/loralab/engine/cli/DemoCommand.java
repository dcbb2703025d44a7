package org.loralab.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.loralab.engine.model.BaseModelLocation;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.demo.DemoReport;
import org.loralab.engine.demo.DemoRunner;
import org.loralab.engine.demo.DemoSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: bank adapters on high-resource pairs, then every way to get a Japanese-medical
 * adapter from 16 examples, compared by ROUGE with intervals; report as table, CSV, PNG, HTML.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a bank, adapt to a low-resource target every way LoRA Lab offers, and compare by ROUGE.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "loralab-demo", description = "report folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--base-model", description = "base model folder (default: the small model shipped in the jar)")
    Path baseModel;

    @Option(names = "--quick", description = "a reduced run of a few seconds, to check the installation")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        Path work = out.resolve("work");
        Path model = baseModel != null ? baseModel : BaseModelLocation.resolve(BaseModelLocation.DEMO, work);
        DemoSettings s = quick ? DemoSettings.reduced() : DemoSettings.full();
        System.out.println("LoRA Lab demo: target = Japanese medical notes with " + s.targetRows() + " examples; "
                + s.testRows() + " held-out rows; base model " + model);
        List<DemoRunner.Row> rows = new DemoRunner(s, work, model, new ConsoleProgress("  progress"))
                .run(msg -> {
                    ConsoleProgress.clear();
                    System.out.printf("[%5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
                });
        ConsoleProgress.clear();
        System.out.println();
        System.out.print(DemoReport.table(rows));
        DemoReport.write(rows, out, "LoRA Lab demo: Japanese medical notes from " + s.targetRows() + " examples");
        System.out.printf("%nreport: %s (results.csv, rouge.png, report.html); %.0f s in all%n", out.toAbsolutePath(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
