package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.RougeScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * The experiment behind Adaptive Merge &amp; Prune's defaults: on the demo's bank and target, every
 * importance × granularity × schedule at one pruning ratio, scored by ROUGE-L F1 on the held-out
 * rows. Prints a Markdown table (docs/merging.md records one run).
 */
public final class AmpExperiment {

    private AmpExperiment() {
    }

    public static void run(Path work, Path baseModel, double ratio, DemoSettings s) throws IOException {
        List<Path> adapters = new AdapterBank(work.resolve("bank")).read(null, ProgressListener.NONE).stream()
                .filter(BankEntry::usable).map(BankEntry::path).toList();
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException(work.resolve("bank") + " holds no adapters; run `loralab demo` first");
        }
        List<DemoData.Pair> all = DemoData.generate(DemoRunner.TARGET_DOMAIN, DemoRunner.TARGET_LANG, s.targetRows() + s.testRows(), 2);
        List<TrainingExample> target = DemoRunner.rows(all.subList(0, s.targetRows()));
        List<DemoData.Pair> test = all.subList(s.targetRows(), all.size());
        TrainingConfig tune = TrainingConfig.defaults().withEpochs(s.tuneEpochs()).withLearningRate(3e-3).withBatch(4, 1)
                .withSchedule(LrSchedule.LINEAR, 0.1).withMaxSeqLength(384).withSeed(7);
        RougeScorer scorer = new RougeScorer(List.of(RougeType.ROUGE_L), new JapaneseRougeTokenizer(JapaneseRougeTokenizer.Mode.MORPHEME));
        System.out.printf("| importance | granularity | schedule | pruned | target loss | ROUGE-L F1 |%n|---|---|---|---|---|---|%n");
        List<String> lines = new ArrayList<>();
        for (PruneSettings.Importance imp : PruneSettings.Importance.values()) {
            for (PruneSettings.Granularity g : PruneSettings.Granularity.values()) {
                for (PruneSettings.Schedule sch : PruneSettings.Schedule.values()) {
                    Path out = work.resolve("amp-" + imp + "-" + g + "-" + sch);
                    MergeJob.Result r = MergeJob.run(new MergeJob.Spec(baseModel, adapters, MergeJob.Method.ADAPTIVE, null,
                            MergeSettings.of(MergeMethod.LINEAR), 0, new PruneSettings(imp, g, sch, ratio), tune, DemoRunner.PROMPT,
                            null, 1, 1, out, true, false, new ModelOptions("auto", "auto")), target, TrainingListener.NONE);
                    double f = 0;
                    try (Summarizer sum = Summarizer.open(new SummarizeOptions(baseModel, out, true, DemoRunner.PROMPT, 320, 16,
                            new ModelOptions("auto", "auto")))) {
                        List<SummaryResult> res = sum.summarize(test.stream().map(DemoData.Pair::document).toList(),
                                sum.defaults().maxNewTokens(s.maxNewTokens()), ProgressListener.NONE);
                        for (int i = 0; i < test.size(); i++) {
                            String p = res.get(i).summary() == null ? "" : res.get(i).summary();
                            f += scorer.score(test.get(i).summary(), p).get(RougeType.ROUGE_L).fmeasure();
                        }
                    }
                    String line = String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.4f | %.4f |", imp.name().toLowerCase(),
                            g.name().toLowerCase(), sch.name().toLowerCase(), r.prunedRatio(), r.targetLoss(), f / test.size());
                    System.out.println(line);
                    lines.add(line);
                }
            }
        }
    }
}
