package org.loralab.engine.merge;

import org.loralab.engine.io.OutOfMemoryInJob;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.OutputTargets;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.Jobs;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.summarize.PromptChoice;
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;

/**
 * The Adaptive Merge &amp; Prune node's work: load the base model and the chosen bank adapters
 * (refusing ones made for another base model), merge by the chosen method, and write a PEFT
 * adapter whose loralab.json records method, settings, sources, weights and pruning achieved.
 */
public final class MergeJob {

    /**
     * <p>{@code weights}: one per adapter for the classic merges and as Adaptive's start; null for uniform 1/N
     * <p>{@code classic}: density, svd rank, TIES sign rule, DARE rescale and seed (its method and weights are ignored)
     * <p>{@code loraHubBudget}: loss evaluations for LoraHub
     * <p>{@code tune}: the fine-tune of Adaptive Merge &amp; Prune
     * <p>{@code exportModel}: also write base + merged adapter as a full checkpoint beside the adapter ("-model")
     * <p>Built by name ({@link #builder()}): unset, weights and taskDescription are null, the flags
     *     false; every other component is required (no second copy of the parameter defaults here).
     */
    public static final class Spec {
        private final Path baseModel;
        private final List<Path> adapters;
        private final MergeMethod method;
        private final double[] weights;
        private final MergeSettings classic;
        private final int loraHubBudget;
        private final PruneSettings prune;
        private final TrainingConfig tune;
        private final PromptFormat prompt;
        private final String taskDescription;
        private final int topK;
        private final double temperature;
        private final Path output;
        private final boolean overwrite;
        private final boolean exportModel;
        private final ModelOptions device;

        private Spec(Builder b) {
            this.baseModel = b.baseModel;
            this.adapters = b.adapters;
            this.method = b.method;
            this.weights = b.weights;
            this.classic = b.classic;
            this.loraHubBudget = b.loraHubBudget;
            this.prune = b.prune;
            this.tune = b.tune;
            this.prompt = b.prompt;
            this.taskDescription = b.taskDescription;
            this.topK = b.topK;
            this.temperature = b.temperature;
            this.output = b.output;
            this.overwrite = b.overwrite;
            this.exportModel = b.exportModel;
            this.device = b.device;
        }

        /** A request with every component named; see the setters for which may stay unset. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder starting from this request's values. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.baseModel = baseModel;
            b.adapters = adapters;
            b.method = method;
            b.weights = weights;
            b.classic = classic;
            b.loraHubBudget = loraHubBudget;
            b.prune = prune;
            b.tune = tune;
            b.prompt = prompt;
            b.taskDescription = taskDescription;
            b.topK = topK;
            b.temperature = temperature;
            b.output = output;
            b.overwrite = overwrite;
            b.exportModel = exportModel;
            b.device = device;
            return b;
        }

        public Path baseModel() {
            return baseModel;
        }

        public List<Path> adapters() {
            return adapters;
        }

        public MergeMethod method() {
            return method;
        }

        public double[] weights() {
            return weights;
        }

        public MergeSettings classic() {
            return classic;
        }

        public int loraHubBudget() {
            return loraHubBudget;
        }

        public PruneSettings prune() {
            return prune;
        }

        public TrainingConfig tune() {
            return tune;
        }

        public PromptFormat prompt() {
            return prompt;
        }

        public String taskDescription() {
            return taskDescription;
        }

        public int topK() {
            return topK;
        }

        public double temperature() {
            return temperature;
        }

        public Path output() {
            return output;
        }

        public boolean overwrite() {
            return overwrite;
        }

        public boolean exportModel() {
            return exportModel;
        }

        public ModelOptions device() {
            return device;
        }

        /** Named construction of a {@link Spec}; {@link #build} refuses a request missing a required component. */
        public static final class Builder {
            private Path baseModel;
            private List<Path> adapters;
            private MergeMethod method;
            private double[] weights;
            private MergeSettings classic;
            private Integer loraHubBudget;
            private PruneSettings prune;
            private TrainingConfig tune;
            private PromptFormat prompt;
            private String taskDescription;
            private Integer topK;
            private Double temperature;
            private Path output;
            private boolean overwrite;
            private boolean exportModel;
            private ModelOptions device;

            private Builder() {
            }

            public Builder baseModel(Path baseModel) {
                this.baseModel = baseModel;
                return this;
            }

            public Builder adapters(List<Path> adapters) {
                this.adapters = adapters;
                return this;
            }

            public Builder method(MergeMethod method) {
                this.method = method;
                return this;
            }

            public Builder weights(double[] weights) {
                this.weights = weights;
                return this;
            }

            public Builder classic(MergeSettings classic) {
                this.classic = classic;
                return this;
            }

            public Builder loraHubBudget(int loraHubBudget) {
                this.loraHubBudget = loraHubBudget;
                return this;
            }

            public Builder prune(PruneSettings prune) {
                this.prune = prune;
                return this;
            }

            public Builder tune(TrainingConfig tune) {
                this.tune = tune;
                return this;
            }

            public Builder prompt(PromptFormat prompt) {
                this.prompt = prompt;
                return this;
            }

            public Builder taskDescription(String taskDescription) {
                this.taskDescription = taskDescription;
                return this;
            }

            public Builder topK(int topK) {
                this.topK = topK;
                return this;
            }

            public Builder temperature(double temperature) {
                this.temperature = temperature;
                return this;
            }

            public Builder output(Path output) {
                this.output = output;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            public Builder exportModel(boolean exportModel) {
                this.exportModel = exportModel;
                return this;
            }

            public Builder device(ModelOptions device) {
                this.device = device;
                return this;
            }

            public Spec build() {
                require(baseModel, "baseModel");
                require(adapters, "adapters");
                require(method, "method");
                require(classic, "classic");
                require(loraHubBudget, "loraHubBudget");
                require(prune, "prune");
                require(tune, "tune");
                require(prompt, "prompt");
                require(topK, "topK");
                require(temperature, "temperature");
                require(output, "output");
                require(device, "device");
                return new Spec(this);
            }

            private static void require(Object value, String name) {
                if (value == null) {
                    throw new IllegalArgumentException("merge request without " + name);
                }
            }
        }
    }

    public record Result(Path adapter, double[] weights, double prunedRatio, double targetLoss) {
    }

    private MergeJob() {
    }

    /** Where --export-model writes base + adapter: beside the adapter, "-model" appended. */
    static Path exportFolder(Path adapterOut) {
        return adapterOut.resolveSibling(adapterOut.getFileName() + "-model");
    }

    private static Path[] inputs(Spec spec) {
        List<Path> in = new ArrayList<>(spec.adapters());
        in.add(spec.baseModel());
        return in.toArray(Path[]::new);
    }

    public static Result run(Spec spec, List<TrainingExample> targetRows, TrainingListener listener) throws IOException {
        try {
            return Jobs.run(() -> runWithoutRecording(spec, targetRows, listener));
        } catch (OutOfMemoryError e) {
            throw OutOfMemoryInJob.of("Merging", spec.adapters().size() + " adapter(s) " + spec.adapters() + " on the base model "
                    + spec.baseModel() + " with " + targetRows.size() + " target rows", e);
        }
    }

    private static Result runWithoutRecording(Spec spec, List<TrainingExample> targetRows, TrainingListener listener) throws IOException {
        if (spec.adapters().isEmpty()) {
            throw new IllegalArgumentException("choose at least one adapter to merge");
        }
        OutputTargets.requireNotInput(spec.output(), "the adapter output", inputs(spec));
        AtomicFolders.requireWritable(spec.output(), spec.overwrite());
        if (spec.exportModel()) {
            OutputTargets.requireNotInput(exportFolder(spec.output()), "the exported model", inputs(spec));
            AtomicFolders.requireWritable(exportFolder(spec.output()), spec.overwrite());
        }
        if (spec.method().needsExamples()) {
            TrainingExample.requireValid(targetRows, "target");
        }
        try (TextTokenizer tokenizer = TextTokenizer.load(spec.baseModel());
                // Methods fitted on examples differentiate through the model: float32 (bf16 is for inference).
                ModelCache.Lease lease = ModelCache.shared().lease(spec.baseModel(),
                        spec.method().needsExamples() ? spec.device().forTraining() : spec.device())) {
            CausalLM model = lease.model(); // the JVM's shared copy when one is loaded; adapters attach to this job's view
            ModelFingerprint base = ModelFingerprint.of(model.config());
            List<Map<String, LowRank>> bank = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            List<PromptFormat> sourcePrompts = new ArrayList<>();
            for (Path p : spec.adapters()) {
                AdapterMetadata meta = AdapterMetadata.load(p);
                sourcePrompts.add(PromptChoice.recorded(p));
                if (meta != null && meta.fingerprint() != null && !base.differences(meta.fingerprint()).isEmpty()) {
                    throw new IllegalArgumentException(p + " was made for another base model: "
                            + String.join("; ", base.differences(meta.fingerprint())));
                }
                try (LoraAdapter a = LoraAdapter.load(p, model)) {
                    bank.add(AdapterMath.lowRanks(a));
                }
                descriptions.add(describe(meta));
            }
            int n = bank.size();
            double[] weights = spec.weights() != null ? spec.weights() : uniform(n);
            if (weights.length != n) {
                throw new IllegalArgumentException(n + " adapters but " + weights.length + " weights");
            }
            long eos = TrainLoraJob.eosId(spec.baseModel(), tokenizer);
            long pad = tokenizer.padToken().flatMap(tokenizer::tokenId).orElse(eos);
            List<EncodedExample> examples = targetRows.isEmpty() ? List.of()
                    : EncodedExample.encode(targetRows, new PromptEncoder(tokenizer, spec.prompt()), eos, spec.tune().maxSeqLength());
            double pruned = 0;
            double loss = Double.NaN;
            LoraAdapter result;
            switch (spec.method()) {
                case LORAHUB -> {
                    LoraHub hub = new LoraHub(model, bank, pad);
                    try {
                        LoraHub.Result r = hub.search(examples, spec.loraHubBudget(), spec.classic().seed(), listener);
                        weights = r.weights();
                        loss = r.loss();
                        result = AdapterMath.toAdapter(model, hub.combine(weights), spec.baseModel().toString());
                    } finally {
                        hub.close();
                    }
                }
                case ADAPTIVE -> {
                    AdaptiveMergePrune.Result r = AdaptiveMergePrune.run(model, bank, weights, spec.prune(), spec.tune(), examples,
                            List.of(), pad, listener);
                    result = r.adapter();
                    pruned = r.achievedRatio();
                    loss = r.finalLoss();
                }
                case DESCRIPTION -> {
                    DescriptionMerge.Result r = DescriptionMerge.merge(model, tokenizer, spec.taskDescription(), descriptions, bank,
                            spec.topK(), spec.temperature());
                    result = AdapterMath.toAdapter(model, r.merged(), spec.baseModel().toString());
                    weights = Arrays.stream(r.layerWeights()).reduce(new double[n], (acc, row) -> {
                        double[] s = acc.clone();
                        for (int i = 0; i < n; i++) {
                            s[i] += row[i] / r.layerWeights().length;
                        }
                        return s;
                    });
                }
                default -> {
                    MergeSettings s = new MergeSettings(spec.method(), weights, spec.classic().density(),
                            spec.classic().signByFrequency(), spec.classic().svdRank(), spec.classic().dareRescale(), spec.classic().seed());
                    result = AdapterMath.toAdapter(model, ClassicMerge.merge(bank, s), spec.baseModel().toString());
                }
            }
            try (LoraAdapter merged = result) {
                AdapterMetadata meta = AdapterMetadata.create(spec.method().name().toLowerCase(Locale.ROOT)).withFingerprint(base);
                spec.adapters().forEach(p -> meta.sources.add(p.toString()));
                meta.settings = settings(spec, weights);
                PromptFormat prompt = mergedPrompt(spec, sourcePrompts);
                if (prompt != null) {
                    meta.recordPrompt(prompt);
                }
                meta.metrics.put("pruned_ratio", pruned);
                if (!Double.isNaN(loss)) {
                    meta.metrics.put("target_loss", loss);
                }
                meta.metrics.put("trainable_parameters", (double) merged.parameterCount());
                meta.description = spec.taskDescription();
                // the export first: it is the long, memory-hungry part, so a failure there leaves no adapter without its model
                if (spec.exportModel()) {
                    MergedModelWriter.write(model, merged, spec.baseModel(), exportFolder(spec.output()),
                            spec.overwrite());
                }
                AdapterWriter.write(merged, meta, spec.output(), spec.overwrite());
            }
            return new Result(spec.output(), weights, pruned, loss);
        }
    }

    /**
     * The prompt the merged adapter records, which Summarize then uses: LoraHub and Adaptive fit it
     * on the target data as prompted with the spec's prompt, so that one; the other methods only
     * combine the sources, so their prompt when every source records the same one, else none (no
     * single prompt is right for sources trained on different ones).
     */
    static PromptFormat mergedPrompt(Spec spec, List<PromptFormat> sources) {
        if (spec.method().needsExamples()) {
            return spec.prompt();
        }
        PromptFormat first = sources.isEmpty() ? null : sources.get(0);
        return first != null && sources.stream().allMatch(first::equals) ? first : null;
    }

    private static JsonObject settings(Spec spec, double[] weights) {
        Gson gson = new Gson();
        JsonObject o = new JsonObject();
        o.addProperty("method", spec.method().name().toLowerCase(Locale.ROOT));
        o.add("weights", gson.toJsonTree(weights));
        o.addProperty("density", spec.classic().density());
        o.addProperty("svd_rank", spec.classic().svdRank());
        o.addProperty("ties_sign_by_frequency", spec.classic().signByFrequency());
        o.addProperty("dare_rescale", spec.classic().dareRescale());
        o.addProperty("seed", spec.classic().seed());
        if (spec.method() == MergeMethod.LORAHUB) {
            o.addProperty("lorahub_budget", spec.loraHubBudget());
        }
        if (spec.method() == MergeMethod.ADAPTIVE) {
            o.add("prune", gson.toJsonTree(spec.prune()));
            o.add("tune", gson.toJsonTree(spec.tune()));
        }
        if (spec.method() == MergeMethod.DESCRIPTION) {
            o.addProperty("top_k", spec.topK());
            o.addProperty("temperature", spec.temperature());
        }
        return o;
    }

    /** An adapter's description for routing: its own, else language, domain and task. */
    static String describe(AdapterMetadata m) {
        if (m == null) {
            return null;
        }
        if (m.description != null && !m.description.isBlank()) {
            return m.description;
        }
        String s = String.join(" ", List.of(nz(m.language), nz(m.domain), nz(m.task))).trim();
        return s.isEmpty() ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static double[] uniform(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return w;
    }
}
