package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.rouge.BootstrapAggregator;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.RougeScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;

/**
 * Summarizes a split with the base model plus an adapter (merged, greedy) and scores it with ROUGE on
 * Kuromoji morphemes: a mean ROUGE-L F1 for dev choices, bootstrap intervals for the test split.
 */
final class Scoring {

    static final List<RougeType> TYPES = List.of(RougeType.ROUGE_1, RougeType.ROUGE_2, RougeType.ROUGE_L);
    static final int EXAMPLES = 3;

    /** Test-split scores of one adapter. */
    record TestScores(Map<RougeType, BootstrapAggregator.Interval> rouge, double replacementShare, List<DemoRunner.Example> examples) {
    }

    private final Path baseModel;
    private final DemoSettings settings;
    private final ProgressListener progress;
    private final RougeScorer scorer = new RougeScorer(TYPES, new JapaneseRougeTokenizer(JapaneseRougeTokenizer.Mode.MORPHEME));

    Scoring(Path baseModel, DemoSettings settings, ProgressListener progress) {
        this.baseModel = baseModel;
        this.settings = settings;
        this.progress = progress;
    }

    List<String> summarize(Path adapter, List<DemoData.Pair> split) throws IOException {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(baseModel, adapter, adapter != null, DemoRunner.PROMPT, 256, 16,
                new ModelOptions("auto", "auto")))) {
            List<SummaryResult> out = s.summarize(split.stream().map(DemoData.Pair::document).toList(),
                    s.defaults().maxNewTokens(settings.maxNewTokens()), progress);
            List<String> texts = new ArrayList<>();
            for (SummaryResult r : out) {
                texts.add(r.summary() == null ? "" : r.summary());
            }
            return texts;
        }
    }

    double devRougeL(Path adapter, List<DemoData.Pair> dev) throws IOException {
        List<String> out = summarize(adapter, dev);
        double sum = 0;
        for (int i = 0; i < dev.size(); i++) {
            sum += scorer.score(dev.get(i).summary(), out.get(i)).get(RougeType.ROUGE_L).fmeasure();
        }
        return sum / dev.size();
    }

    TestScores test(Path adapter, List<DemoData.Pair> test) throws IOException {
        List<String> out = summarize(adapter, test);
        BootstrapAggregator agg = new BootstrapAggregator(0.95, settings.bootstrap(), 42);
        int broken = 0;
        List<DemoRunner.Example> examples = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            agg.add(scorer.score(test.get(i).summary(), out.get(i)));
            broken += out.get(i).indexOf('\uFFFD') >= 0 ? 1 : 0;
            if (i < EXAMPLES) {
                examples.add(new DemoRunner.Example(test.get(i).document(), test.get(i).summary(), out.get(i)));
            }
        }
        return new TestScores(agg.aggregate(), (double) broken / test.size(), examples);
    }
}
