package org.loralab.engine.demo;

import org.loralab.engine.merge.MergeMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.loralab.engine.bank.AdapterBank;
import org.loralab.engine.bank.BankEntry;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.model.BaseModelLocation;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.rouge.BootstrapAggregator;
import org.loralab.engine.rouge.RougeType;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * The end-to-end demo: trains a bank of adapters on high-resource (domain, language) pairs, then
 * for a low-resource target (Japanese medical notes, 16 examples) compares every way LoRA Lab
 * offers to get an adapter, under one protocol: each method tries the same number of settings,
 * chosen by ROUGE-L on a dev split; the chosen setting alone is scored on the test split, once,
 * with bootstrap intervals. Everything is seeded: the same settings give the same table.
 */
public final class DemoRunner {

    public static final DemoData.Domain TARGET_DOMAIN = DemoData.Domain.MEDICAL;
    public static final DemoData.Lang TARGET_LANG = DemoData.Lang.JA;
    static final long BANK_SEED = 7;
    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);
    /** A setting a method tried, with its dev ROUGE-L F1. */
    public record Tried(Setting setting, double devRougeL) {
    }

    /** One test document with its reference and a method's output. */
    public record Example(String document, String reference, String output) {
    }

    /**
     * One compared method: what it tried on dev, what it chose, and the chosen adapter's test scores.
     *
     * @param learnedOnTarget values fitted to the 16 target examples
     * @param replacementShare share of test outputs holding U+FFFD (broken text)
     */
    public record Row(String method, List<Tried> tried, Setting chosen, Map<RougeType, BootstrapAggregator.Interval> rouge,
            AdapterSize size, long learnedOnTarget, double seconds, double replacementShare, List<Example> examples) {

        public double devRougeL() {
            return tried.stream().filter(t -> t.setting().equals(chosen)).findFirst().orElseThrow().devRougeL();
        }
    }

    /** How long a part of the run took. */
    public record Stage(String name, double seconds) {
    }

    /** Everything the report shows. */
    public record Result(DemoSettings settings, List<String> bank, List<Row> rows, List<Stage> stages) {
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

    /** Copies the base model shipped inside the jar into {@code dir} (the model package owns it). */
    public static Path extractShippedModel(Path dir) throws IOException {
        return BaseModelLocation.extractShippedModel(dir);
    }

    private TrainingConfig tuneConfig() {
        return TrainingConfig.defaults().withEpochs(settings.tuneEpochs()).withLearningRate(3e-3).withBatch(4, 1)
                .withSchedule(LrSchedule.LINEAR, 0.1).withMaxSeqLength(256).withSeed(settings.seed());
    }

    static LoraConfig lora() {
        return LoraConfig.of(8, 16, LoraConfig.ALL_LINEAR);
    }

    public Result run(Consumer<String> log) throws IOException {
        return run(log, label -> true);
    }

    /** Runs the methods whose label {@code include} accepts (the bank is trained first if missing). */
    public Result run(Consumer<String> log, java.util.function.Predicate<String> include) throws IOException {
        List<Stage> stages = new ArrayList<>();
        long t0 = System.nanoTime();
        List<Path> bank = trainBank(log);
        stages.add(new Stage("bank: " + bank.size() + " adapters", seconds(t0)));
        DemoSplits splits = DemoSplits.of(settings);
        Scoring scoring = new Scoring(baseModel, settings, progress);
        List<Row> rows = new ArrayList<>();
        for (AdaptationMethod method : DemoMethods.all(context(bank, splits))) {
            if (!include.test(method.label())) {
                continue;
            }
            long start = System.nanoTime();
            List<Setting> candidates = Setting.tried(method.space(), settings.tuningBudget(), settings.seed());
            log.accept(String.format(Locale.ROOT, "%s: trying %d setting(s) on dev", method.label(), candidates.size()));
            List<Tried> tried = new ArrayList<>();
            Path best = null;
            double bestScore = -1;
            Setting chosen = null;
            for (int i = 0; i < candidates.size(); i++) {
                Path out = method.builder().build(candidates.get(i), settings.seed(), work.resolve(slug(method.label()) + "-" + i));
                double dev = scoring.devRougeL(out, splits.dev());
                tried.add(new Tried(candidates.get(i), dev));
                if (dev > bestScore || chosen == null) { // ties keep the earlier setting, the default first
                    bestScore = dev;
                    best = out;
                    chosen = candidates.get(i);
                }
            }
            log.accept(String.format(Locale.ROOT, "%s: chose %s (dev ROUGE-L %.3f); scoring the test split", method.label(), chosen,
                    bestScore));
            Scoring.TestScores test = scoring.test(best, splits.test());
            AdapterSize size = AdapterSize.of(best);
            double secs = seconds(start);
            rows.add(new Row(method.label(), List.copyOf(tried), chosen, test.rouge(), size, method.learnedOnTarget().of(chosen, size),
                    secs, test.replacementShare(), test.examples()));
            stages.add(new Stage(method.label() + ": " + candidates.size() + " on dev, 1 on test", secs));
        }
        List<String> bankNames = bank.stream().map(p -> p.getFileName().toString()).toList();
        return new Result(settings, bankNames, rows, stages);
    }

    /** What the methods work from: the bank, which of its adapters relate to the target, the target's training rows. */
    DemoMethods.Context context(List<Path> bank, DemoSplits splits) throws IOException {
        boolean[] related = new boolean[bank.size()];
        for (int i = 0; i < bank.size(); i++) {
            AdapterMetadata m = AdapterMetadata.load(bank.get(i));
            related[i] = m != null && (langCode(TARGET_LANG).equals(m.language) || domainName(TARGET_DOMAIN).equals(m.domain));
        }
        return new DemoMethods.Context(baseModel, bank, related, bankFolder().resolve("en-" + domainName(TARGET_DOMAIN)),
                rows(splits.train()), tuneConfig(), lora(), new ModelOptions("auto", "auto"), TrainingListener.of(progress));
    }

    /**
     * The bank's folder, named after the base model's content and the bank's size, so a bank made
     * from another model or with other settings (a quick run) is never reused by mistake.
     */
    Path bankFolder() throws IOException {
        String model = Files.isRegularFile(baseModel.resolve("model.safetensors")) ? BaseModelLocation.contentHash(baseModel)
                : Integer.toHexString(baseModel.toAbsolutePath().normalize().hashCode());
        return work.resolve("bank-" + model + "-" + settings.bankRows() + "x" + settings.bankEpochs());
    }

    /** Trains (or reuses) one adapter per (domain, language) pair except the target. */
    List<Path> trainBank(Consumer<String> log) throws IOException {
        // One bank for every seed of a run: the seeds vary the target side only.
        TrainingConfig cfg = TrainingConfig.defaults().withEpochs(settings.bankEpochs()).withLearningRate(3e-3)
                .withBatch(8, 1).withSchedule(LrSchedule.LINEAR, 0.1).withMaxSeqLength(256).withSeed(BANK_SEED);
        AdapterBank bank = new AdapterBank(bankFolder());
        for (DemoData.Domain d : DemoData.Domain.values()) {
            for (DemoData.Lang l : DemoData.Lang.values()) {
                if (d == TARGET_DOMAIN && l == TARGET_LANG) {
                    continue;
                }
                String name = langCode(l) + "-" + domainName(d);
                if (Files.exists(bank.dir().resolve(name))) {
                    continue;
                }
                log.accept("training bank adapter " + name);
                AdapterMetadata meta = AdapterMetadata.create(null);
                meta.language = langCode(l);
                meta.domain = domainName(d);
                meta.task = "summarization";
                meta.description = (l == DemoData.Lang.JA ? "Japanese " : "English ") + domainName(d) + " summaries";
                TrainLoraJob.run(TrainLoraJob.Spec.builder().baseModel(baseModel).lora(lora()).training(cfg).prompt(PROMPT)
                        .output(bank.dir().resolve(name)).metadata(meta).device(new ModelOptions("auto", "auto")).build(),
                        rows(DemoData.generate(d, l, settings.bankRows(), 1)),
                        List.of(), TrainingListener.of(progress));
            }
        }
        return bank.read(null, ProgressListener.NONE).stream().filter(BankEntry::usable).map(BankEntry::path).toList();
    }

    static String langCode(DemoData.Lang l) {
        return l.name().toLowerCase(Locale.ROOT);
    }

    static String domainName(DemoData.Domain d) {
        return d.name().toLowerCase(Locale.ROOT);
    }

    private static String slug(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static String label(MergeMethod m) {
        return switch (m) {
            case LORAHUB -> "LoraHub";
            case ADAPTIVE -> "Adaptive Merge & Prune";
            case DESCRIPTION -> "description-conditioned merge";
            default -> "merge: " + m.name().toLowerCase(Locale.ROOT);
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
        return r.rouge().get(t).mid().fmeasure();
    }

    public static List<RougeType> types() {
        return Scoring.TYPES;
    }
}
