package org.loralab.engine.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergeJob;
import org.loralab.engine.merge.MergeMethod;
import org.loralab.engine.merge.MergeSettings;
import org.loralab.engine.merge.PruneSettings;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * The methods the demo compares and the search space of each. Every method gets the same budget of
 * settings to try on dev ({@link Setting#tried}); the spaces hold what each method's user would tune:
 * learning rate, epochs and rank for LoRA; learning rate and epochs for continued tuning; the
 * weighting of the bank (and density where the merge has one) for the classic merges; the
 * evaluation budget for LoraHub; top-k and temperature for the description merge; importance,
 * granularity, schedule and ratio for Adaptive Merge &amp; Prune.
 */
final class DemoMethods {

    /** What the methods work from. {@code related[i]}: bank adapter i shares the target's language or domain. */
    record Context(Path baseModel, List<Path> bank, boolean[] related, Path continueFrom, List<TrainingExample> target,
            TrainingConfig tune, LoraConfig lora, ModelOptions device, TrainingListener listener) {
    }

    private static final List<Double> LEARNING_RATES = List.of(3e-3, 1e-3, 1e-2);
    private static final List<String> WEIGHTINGS = List.of("uniform", "sum", "related", "related-sum");

    private DemoMethods() {
    }

    static List<AdaptationMethod> all(Context c) {
        List<AdaptationMethod> out = new ArrayList<>();
        out.add(new AdaptationMethod("base model", List.of(Setting.NONE), (s, seed, dir) -> null, (s, size) -> 0));
        out.add(new AdaptationMethod("LoRA (target only)",
                Setting.grid(axes("lr", LEARNING_RATES, "epochs", epochs(c), "rank", List.of(c.lora().r(), 4 * c.lora().r()))),
                (s, seed, dir) -> train(c, null, LoraConfig.of(s.integer("rank"), 2 * s.integer("rank"), c.lora().targetModules()), s, seed, dir),
                (s, size) -> size.values()));
        out.add(new AdaptationMethod("continued (from " + c.continueFrom().getFileName() + ")",
                Setting.grid(axes("lr", LEARNING_RATES, "epochs", epochs(c))),
                (s, seed, dir) -> train(c, c.continueFrom(), null, s, seed, dir), (s, size) -> size.values()));
        for (MergeMethod m : MergeMethod.values()) {
            out.add(merge(c, m));
        }
        return out;
    }

    private static List<Integer> epochs(Context c) {
        int e = c.tune().epochs();
        return List.of(e, Math.max(1, e / 2), 2 * e);
    }

    private static AdaptationMethod merge(Context c, MergeMethod m) {
        String label = DemoRunner.label(m);
        return switch (m) {
            case LORAHUB -> new AdaptationMethod(label, Setting.grid(axes("evaluations", List.of(40, 10, 20, 80))),
                    (s, seed, dir) -> runMerge(c, m, null, MergeSettings.of(MergeMethod.LINEAR).withDare(true, seed),
                            s.integer("evaluations"), PruneSettings.defaults(), 2, 0.05, seed, dir),
                    (s, size) -> c.bank().size());
            case DESCRIPTION -> new AdaptationMethod(label, Setting.grid(axes("top_k", List.of(2, 1, 3), "temperature", List.of(0.05, 0.2, 1.0))),
                    (s, seed, dir) -> runMerge(c, m, null, MergeSettings.of(MergeMethod.LINEAR), 0, PruneSettings.defaults(),
                            s.integer("top_k"), s.number("temperature"), seed, dir),
                    (s, size) -> 0);
            case ADAPTIVE -> {
                PruneSettings d = PruneSettings.defaults();
                yield new AdaptationMethod(label, Setting.grid(axes("importance", first(d.importance(), PruneSettings.Importance.values()),
                        "granularity", first(d.granularity(), PruneSettings.Granularity.values()),
                        "schedule", first(d.schedule(), PruneSettings.Schedule.values()),
                        "ratio", List.of(d.ratio(), 0.3, 0.7))),
                        (s, seed, dir) -> runMerge(c, m, null, MergeSettings.of(MergeMethod.LINEAR), 0,
                                new PruneSettings(s.get("importance"), s.get("granularity"), s.get("schedule"), s.number("ratio")), 2, 0.05,
                                seed, dir),
                        (s, size) -> size.values()); // the concatenated bank, all of it fine-tuned before pruning
            }
            default -> {
                boolean hasDensity = m == MergeMethod.TIES || m.name().startsWith("DARE") || m == MergeMethod.MAGNITUDE_PRUNE;
                Map<String, List<?>> axes = hasDensity ? axes("weights", WEIGHTINGS, "density", List.of(0.5, 0.3, 0.7))
                        : axes("weights", WEIGHTINGS);
                yield new AdaptationMethod(label, Setting.grid(axes),
                        (s, seed, dir) -> runMerge(c, m, weights(c, s.get("weights")),
                                MergeSettings.of(m).withDensity(hasDensity ? s.number("density") : 0.5)
                                        .withSvdRank(c.lora().r()).withDare(true, seed),
                                0, PruneSettings.defaults(), 2, 0.05, seed, dir),
                        (s, size) -> 0);
            }
        };
    }

    /** A bank weighting: every adapter or only the related ones, averaged or summed. */
    static double[] weights(Context c, String scheme) {
        int n = c.bank().size();
        double[] w = new double[n];
        boolean relatedOnly = scheme.startsWith("related");
        int chosen = 0;
        for (int i = 0; i < n; i++) {
            chosen += !relatedOnly || c.related()[i] ? 1 : 0;
        }
        for (int i = 0; i < n; i++) {
            boolean in = !relatedOnly || c.related()[i];
            w[i] = !in ? 0 : scheme.endsWith("sum") ? 1.0 : 1.0 / chosen;
        }
        return w;
    }

    private static Path train(Context c, Path init, LoraConfig lora, Setting s, long seed, Path out) throws IOException {
        AtomicFolders.deleteRecursively(out);
        TrainingConfig cfg = c.tune().withLearningRate(s.number("lr")).withEpochs(s.integer("epochs")).withSeed(seed);
        TrainLoraJob.run(TrainLoraJob.Spec.builder().baseModel(c.baseModel()).initAdapter(init).lora(lora).training(cfg)
                .prompt(DemoRunner.PROMPT).output(out).device(c.device()).build(), c.target(), List.of(), c.listener());
        return out;
    }

    private static Path runMerge(Context c, MergeMethod m, double[] weights, MergeSettings classic, int loraHubBudget,
            PruneSettings prune, int topK, double temperature, long seed, Path out) throws IOException {
        AtomicFolders.deleteRecursively(out);
        MergeJob.run(MergeJob.Spec.builder().baseModel(c.baseModel()).adapters(c.bank()).method(m).weights(weights)
                .classic(classic).loraHubBudget(loraHubBudget).prune(prune).tune(c.tune().withSeed(seed))
                .prompt(DemoRunner.PROMPT).taskDescription("Japanese medical summaries").topK(topK).temperature(temperature)
                .output(out).overwrite(true).device(c.device()).build(), c.target(), c.listener());
        return out;
    }

    private static Map<String, List<?>> axes(Object... keyValues) {
        Map<String, List<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], (List<?>) keyValues[i + 1]);
        }
        return m;
    }

    /** All values of an enum, {@code first} first (the default). */
    private static <E extends Enum<E>> List<E> first(E first, E[] all) {
        List<E> out = new ArrayList<>(List.of(first));
        for (E e : all) {
            if (e != first) {
                out.add(e);
            }
        }
        return out;
    }
}
