package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.progress.ProgressListener;

/**
 * The experiment behind Adaptive Merge &amp; Prune's defaults: on the demo's bank and target, every
 * importance × granularity × schedule at one pruning ratio, scored by ROUGE-L F1 on the dev split
 * (never the test split, which the demo scores once). Prints a Markdown table (docs/merging.md
 * records one run).
 */
public final class AmpExperiment {

    private AmpExperiment() {
    }

    public static void run(Path work, Path baseModel, double ratio, DemoSettings s) throws IOException {
        DemoRunner runner = new DemoRunner(s, work, baseModel, ProgressListener.NONE);
        List<Path> bank = runner.trainBank(msg -> System.out.println(msg));
        DemoSplits splits = DemoSplits.of(s);
        DemoMethods.Context c = runner.context(bank, splits);
        Scoring scoring = new Scoring(baseModel, s, ProgressListener.NONE);
        System.out.printf("| importance | granularity | schedule | pruned | target loss | dev ROUGE-L F1 |%n|---|---|---|---|---|---|%n");
        for (PruneSettings.Importance imp : PruneSettings.Importance.values()) {
            for (PruneSettings.Granularity g : PruneSettings.Granularity.values()) {
                for (PruneSettings.Schedule sch : PruneSettings.Schedule.values()) {
                    Path out = work.resolve("amp-" + imp + "-" + g + "-" + sch);
                    MergeJob.Result r = MergeJob.run(MergeJob.Spec.builder().baseModel(baseModel).adapters(bank)
                            .method(MergeMethod.ADAPTIVE).classic(MergeSettings.of(MergeMethod.LINEAR)).loraHubBudget(0)
                            .prune(new PruneSettings(imp, g, sch, ratio)).tune(c.tune()).prompt(DemoRunner.PROMPT).topK(1)
                            .temperature(1).output(out).overwrite(true).device(c.device()).build(), c.target(), c.listener());
                    System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.4f | %.4f |", imp.name().toLowerCase(Locale.ROOT),
                            g.name().toLowerCase(Locale.ROOT), sch.name().toLowerCase(Locale.ROOT), r.prunedRatio(), r.targetLoss(),
                            scoring.devRougeL(out, splits.dev())));
                }
            }
        }
    }
}
