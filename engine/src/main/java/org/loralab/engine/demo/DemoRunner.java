package org.loralab.engine.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.rouge.BootstrapAggregator;
import org.loralab.engine.rouge.JapaneseRougeTokenizer;
import org.loralab.engine.rouge.RougeScorer;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.rouge.Score;
import org.loralab.engine.summarize.SummarizeOptions;
import org.loralab.engine.summarize.Summarizer;
import org.loralab.engine.summarize.SummaryResult;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * The end-to-end demo: trains a bank of adapters on high-resource (domain, language) pairs, then
 * for a low-resource target (Japanese medical notes, a handful of examples) compares on held-out
 * rows every way LoRA Lab offers to get an adapter, scoring each with ROUGE and bootstrap
 * intervals. Everything is seeded: the same settings give the same table.
 */
public final class DemoRunner {

    public static final DemoData.Domain TARGET_DOMAIN = DemoData.Domain.MEDICAL;
    public static final DemoData.Lang TARGET_LANG = DemoData.Lang.JA;
    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);
    private static final List<RougeType> TYPES = List.of(RougeType.ROUGE_1, RougeType.ROUGE_2, RougeType.ROUGE_L);

    /** One compared method: ROUGE intervals per type. */
    public record Row(String method, Map<RougeType, BootstrapAggregator.Interval> rouge, double seconds, String example) {
    }

    private final DemoSettings settings;
    private final Path work;
    private final Path baseModel;
    private final ProgressListener progress;

    public DemoRunner(DemoSettings settings, Path work, Path baseModel, ProgressListener progress) {
        this.settings = settings;
        this.work = work;
        this.baseModel = baseModel;
        this.progress = progress;
    }

    /** Copies the base model shipped inside the jar into {@code dir}. */
    public static Path extractShippedModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json", "TRAINING.md"}) {
            try (InputStream in = DemoRunner.class.getResourceAsStream("base-model/" + f)) {
                if (in == null) {
                    throw new IOException("the demo base model is missing from this build (base-model/" + f + ")");
                }
                Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    public List<Row> run(java.util.function.Consumer<String> log) throws IOException {
        ModelOptions cpu = new ModelOptions("auto", "auto");
        TrainingConfig bankCfg = TrainingConfig.defaults().withEpochs(settings.bankEpochs()).withLearningRate(3e-3)
                .withBatch(8, 1).withSchedule(LrSchedule.LINEAR, 0.1).withMaxSeqLength(384).withSeed(7);
        TrainingConfig tuneCfg = bankCfg.withEpochs(settings.tuneEpochs()).withBatch(4, 1);
        LoraConfig lora = LoraConfig.of(8, 16, LoraConfig.ALL_LINEAR);
        AdapterBank bank = new AdapterBank(work.resolve("bank"));
        TrainingListener quiet = TrainingListener.of(progress);

        // 1. The bank: every (domain, language) except the target.
        for (DemoData.Domain d : DemoData.Domain.values()) {
            for (DemoData.Lang l : DemoData.Lang.values()) {
                if (d == TARGET_DOMAIN && l == TARGET_LANG) {
                    continue;
                }
                String name = l.name().toLowerCase() + "-" + d.name().toLowerCase();
                if (Files.exists(bank.dir().resolve(name))) {
                    continue;
                }
                log.accept("training bank adapter " + name);
                AdapterMetadata meta = AdapterMetadata.create(null);
                meta.language = l == DemoData.Lang.JA ? "ja" : "en";
                meta.domain = d.name().toLowerCase();
                meta.task = "summarization";
                meta.description = (l == DemoData.Lang.JA ? "Japanese " : "English ") + d.name().toLowerCase() + " summaries";
                TrainLoraJob.run(new TrainLoraJob.Spec(baseModel, null, lora, false, bankCfg, PROMPT, bank.dir().resolve(name), false,
                        null, false, meta, cpu), rows(DemoData.generate(d, l, settings.bankRows(), 1)), List.of(), quiet);
            }
        }
        List<Path> adapters = bank.read(null, ProgressListener.NONE).stream().filter(BankEntry::usable).map(BankEntry::path).toList();

        // 2. The target: few training rows, held-out test rows.
        List<DemoData.Pair> targetAll = DemoData.generate(TARGET_DOMAIN, TARGET_LANG, settings.targetRows() + settings.testRows(), 2);
        List<TrainingExample> target = rows(targetAll.subList(0, settings.targetRows()));
        List<DemoData.Pair> test = targetAll.subList(settings.targetRows(), targetAll.size());

        Map<String, Path> candidates = new LinkedHashMap<>();
        candidates.put("base model", null);
        log.accept("LoRA on the " + target.size() + " target examples alone");
        candidates.put("LoRA (target only)", train(null, lora, tuneCfg, target, "lora-target", cpu, quiet));
        Path related = bank.dir().resolve("en-" + TARGET_DOMAIN.name().toLowerCase());
        log.accept("continued tuning from " + related.getFileName());
        candidates.put("continued (from en-medical)", train(related, null, tuneCfg, target, "continued", cpu, quiet));
        for (MergeJob.Method m : MergeJob.Method.values()) {
            log.accept("merging: " + m.name().toLowerCase());
            Path out = work.resolve("merged-" + m.name().toLowerCase());
            AtomicFolders.deleteRecursively(out);
            MergeJob.run(new MergeJob.Spec(baseModel, adapters, m, null, MergeSettings.of(MergeMethod.LINEAR).withDensity(0.5)
                    .withSvdRank(8), settings.loraHubBudget(), PruneSettings.defaults(), tuneCfg, PROMPT,
                    "Japanese medical summaries", 2, 0.05, out, true, false, cpu), target, quiet);
            candidates.put(label(m), out);
        }

        // 3. Summarize the test rows with each and score them.
        RougeScorer scorer = new RougeScorer(TYPES, new JapaneseRougeTokenizer(JapaneseRougeTokenizer.Mode.MORPHEME));
        List<String> docs = test.stream().map(DemoData.Pair::document).toList();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Path> c : candidates.entrySet()) {
            log.accept("summarizing the test set with: " + c.getKey());
            long t0 = System.nanoTime();
            try (Summarizer s = Summarizer.open(new SummarizeOptions(baseModel, c.getValue(), c.getValue() != null, PROMPT, 320, 16, cpu))) {
                GenerationConfig g = s.defaults().maxNewTokens(settings.maxNewTokens());
                List<SummaryResult> out = s.summarize(docs, g, progress);
                BootstrapAggregator agg = new BootstrapAggregator(0.95, settings.bootstrap(), 42);
                for (int i = 0; i < test.size(); i++) {
                    String summary = out.get(i).summary() == null ? "" : out.get(i).summary();
                    agg.add(scorer.score(test.get(i).summary(), summary));
                }
                rows.add(new Row(c.getKey(), agg.aggregate(), (System.nanoTime() - t0) / 1e9,
                        out.get(0).summary() == null ? "" : out.get(0).summary()));
            }
        }
        return rows;
    }

    private Path train(Path init, LoraConfig lora, TrainingConfig cfg, List<TrainingExample> rows, String name, ModelOptions device,
            TrainingListener listener) throws IOException {
        Path out = work.resolve(name);
        AtomicFolders.deleteRecursively(out);
        TrainLoraJob.run(new TrainLoraJob.Spec(baseModel, init, lora, false, cfg, PROMPT, out, false, null, false, null, device),
                rows, List.of(), listener);
        return out;
    }

    static String label(MergeJob.Method m) {
        return switch (m) {
            case LORAHUB -> "LoraHub";
            case ADAPTIVE -> "Adaptive Merge & Prune";
            case DESCRIPTION -> "description-conditioned merge";
            default -> "merge: " + m.name().toLowerCase();
        };
    }

    static List<TrainingExample> rows(List<DemoData.Pair> pairs) {
        List<TrainingExample> rows = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            rows.add(new TrainingExample(i, pairs.get(i).document(), pairs.get(i).summary()));
        }
        return rows;
    }

    /** F1 of a row's type (mid of the interval). */
    public static double f1(Row r, RougeType t) {
        Score mid = r.rouge().get(t).mid();
        return mid.fmeasure();
    }

    public static List<RougeType> types() {
        return TYPES;
    }
}
