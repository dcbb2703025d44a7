package org.loralab.engine.train;

import org.loralab.engine.io.OutOfMemoryInJob;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.OutputTargets;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.model.Jobs;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelFingerprint;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.prompt.PromptEncoder;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.tokenizer.TextTokenizer;

/**
 * The Train LoRA node's work from start to end: load the base model, create a fresh adapter or
 * continue an existing one, encode and validate the rows, train, and write the adapter folder
 * (PEFT files plus loralab.json) atomically.
 */
public final class TrainLoraJob {

    /**
     * <p>{@code initAdapter}: adapter to continue training (continued tuning), or null for a fresh one
     * <p>{@code lora}: settings of a fresh adapter (ignored when continuing: the adapter's own are kept)
     * <p>{@code taskFilter}: train LoRA-TRF (a fresh adapter only)
     * <p>{@code checkpointDir}: where to checkpoint, or null
     * <p>{@code metadata}: language, domain, task, description to record; method and metrics are filled in
     * <p>Built by name ({@link #builder()}): unset, initAdapter, lora, checkpointDir and metadata are
     *     null, the flags false; baseModel, training, prompt, output and device are required.
     */
    public static final class Spec {
        private final Path baseModel;
        private final Path initAdapter;
        private final LoraConfig lora;
        private final boolean taskFilter;
        private final TrainingConfig training;
        private final PromptFormat prompt;
        private final Path output;
        private final boolean overwrite;
        private final Path checkpointDir;
        private final boolean resume;
        private final AdapterMetadata metadata;
        private final ModelOptions device;

        private Spec(Builder b) {
            this.baseModel = b.baseModel;
            this.initAdapter = b.initAdapter;
            this.lora = b.lora;
            this.taskFilter = b.taskFilter;
            this.training = b.training;
            this.prompt = b.prompt;
            this.output = b.output;
            this.overwrite = b.overwrite;
            this.checkpointDir = b.checkpointDir;
            this.resume = b.resume;
            this.metadata = b.metadata;
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
            b.initAdapter = initAdapter;
            b.lora = lora;
            b.taskFilter = taskFilter;
            b.training = training;
            b.prompt = prompt;
            b.output = output;
            b.overwrite = overwrite;
            b.checkpointDir = checkpointDir;
            b.resume = resume;
            b.metadata = metadata;
            b.device = device;
            return b;
        }

        public Path baseModel() {
            return baseModel;
        }

        public Path initAdapter() {
            return initAdapter;
        }

        public LoraConfig lora() {
            return lora;
        }

        public boolean taskFilter() {
            return taskFilter;
        }

        public TrainingConfig training() {
            return training;
        }

        public PromptFormat prompt() {
            return prompt;
        }

        public Path output() {
            return output;
        }

        public boolean overwrite() {
            return overwrite;
        }

        public Path checkpointDir() {
            return checkpointDir;
        }

        public boolean resume() {
            return resume;
        }

        public AdapterMetadata metadata() {
            return metadata;
        }

        public ModelOptions device() {
            return device;
        }

        /** Named construction of a {@link Spec}; {@link #build} refuses a request missing a required component. */
        public static final class Builder {
            private Path baseModel;
            private Path initAdapter;
            private LoraConfig lora;
            private boolean taskFilter;
            private TrainingConfig training;
            private PromptFormat prompt;
            private Path output;
            private boolean overwrite;
            private Path checkpointDir;
            private boolean resume;
            private AdapterMetadata metadata;
            private ModelOptions device;

            private Builder() {
            }

            public Builder baseModel(Path baseModel) {
                this.baseModel = baseModel;
                return this;
            }

            public Builder initAdapter(Path initAdapter) {
                this.initAdapter = initAdapter;
                return this;
            }

            public Builder lora(LoraConfig lora) {
                this.lora = lora;
                return this;
            }

            public Builder taskFilter(boolean taskFilter) {
                this.taskFilter = taskFilter;
                return this;
            }

            public Builder training(TrainingConfig training) {
                this.training = training;
                return this;
            }

            public Builder prompt(PromptFormat prompt) {
                this.prompt = prompt;
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

            public Builder checkpointDir(Path checkpointDir) {
                this.checkpointDir = checkpointDir;
                return this;
            }

            public Builder resume(boolean resume) {
                this.resume = resume;
                return this;
            }

            public Builder metadata(AdapterMetadata metadata) {
                this.metadata = metadata;
                return this;
            }

            public Builder device(ModelOptions device) {
                this.device = device;
                return this;
            }

            public Spec build() {
                require(baseModel, "baseModel");
                require(training, "training");
                require(prompt, "prompt");
                require(output, "output");
                require(device, "device");
                return new Spec(this);
            }

            private static void require(Object value, String name) {
                if (value == null) {
                    throw new IllegalArgumentException("training request without " + name);
                }
            }
        }
    }

    public record Result(Path adapter, TrainingResult training, long trainableParameters, int droppedDocumentTokens) {
    }

    private TrainLoraJob() {
    }

    public static Result run(Spec spec, List<TrainingExample> trainRows, List<TrainingExample> validationRows,
            TrainingListener listener) throws IOException {
        OutputTargets.requireNotInput(spec.output(), "the adapter output", spec.baseModel(), spec.initAdapter());
        AtomicFolders.requireWritable(spec.output(), spec.overwrite());
        requireApart(spec.checkpointDir(), spec.output());
        try {
            return Jobs.run(() -> runWithoutRecording(spec, trainRows, validationRows, listener));
        } catch (OutOfMemoryError e) {
            throw OutOfMemoryInJob.of("Training", "the base model " + spec.baseModel() + " with " + trainRows.size()
                    + " training and " + validationRows.size() + " validation rows", e);
        }
    }

    private static Result runWithoutRecording(Spec spec, List<TrainingExample> trainRows, List<TrainingExample> validationRows,
            TrainingListener listener) throws IOException {
        TrainingExample.requireValid(trainRows, "training");
        if (!validationRows.isEmpty()) {
            TrainingExample.requireValid(validationRows, "validation");
        }
        try (TextTokenizer tokenizer = TextTokenizer.load(spec.baseModel());
                // the JVM's shared copy when one is loaded: LoRA attaches to the job's own view of it
                ModelCache.Lease lease = ModelCache.shared().lease(spec.baseModel(), spec.device().forTraining())) {
            CausalLM model = lease.model();
            long eos = eosId(spec.baseModel(), tokenizer);
            long pad = tokenizer.padToken().flatMap(tokenizer::tokenId).orElse(eos);
            PromptEncoder prompts = new PromptEncoder(tokenizer, spec.prompt());
            // never longer than the model's context: positions past it were never trained (and cost memory)
            int maxLen = Math.min(spec.training().maxSeqLength(), model.config().maxPositionEmbeddings());
            List<EncodedExample> train = EncodedExample.encode(trainRows, prompts, eos, maxLen);
            List<EncodedExample> val = EncodedExample.encode(validationRows, prompts, eos, maxLen);
            int dropped = train.stream().mapToInt(EncodedExample::droppedDocumentTokens).sum();
            LoraConfig baseConfig = spec.lora() == null ? null : spec.lora().withBaseModel(spec.baseModel().toString());
            try (LoraAdapter adapter = spec.initAdapter() != null ? LoraAdapter.load(spec.initAdapter(), model)
                    : LoraAdapter.create(model, baseConfig, spec.taskFilter(), spec.training().seed())) {
                LoraTrainer trainer = new LoraTrainer(model, adapter, spec.training(), pad);
                String dataHash = TrainingExample.hash(trainRows);
                TrainingResult result = trainer.train(train, val, spec.checkpointDir(), spec.resume(), dataHash, listener);
                AdapterMetadata meta = spec.metadata() != null ? spec.metadata() : AdapterMetadata.create(null);
                meta.method = spec.initAdapter() != null ? "continued" : adapter.hasTaskFilter() ? "lora-trf" : "lora";
                if (spec.initAdapter() != null) {
                    meta.sources.add(spec.initAdapter().toString());
                }
                meta.withFingerprint(ModelFingerprint.of(model.config()));
                meta.trainingDataHash = dataHash;
                meta.trainingRows = trainRows.size();
                meta.metrics.put("train_loss", result.finalTrainLoss());
                if (!Double.isNaN(result.bestValidationLoss())) {
                    meta.metrics.put("validation_loss", result.bestValidationLoss());
                }
                meta.metrics.put("steps", (double) result.steps());
                meta.metrics.put("trained_tokens", (double) result.trainedTokens());
                meta.metrics.put("seconds", result.seconds());
                meta.metrics.put("trained_examples", (double) result.trainedExamples());
                if (result.resumes() > 0) {
                    meta.metrics.put("resumes", (double) result.resumes());
                }
                meta.metrics.put("trainable_parameters", (double) adapter.parameterCount());
                meta.settings = settings(spec, adapter);
                AdapterWriter.write(adapter, meta, spec.output(), spec.overwrite());
                return new Result(spec.output(), result, adapter.parameterCount(), dropped);
            }
        }
    }

    /** The checkpoint folder and the adapter output may neither coincide nor nest: one write would clobber the other. */
    private static void requireApart(Path checkpointDir, Path output) throws IOException {
        if (checkpointDir == null) {
            return;
        }
        Path c = checkpointDir.toAbsolutePath().normalize();
        Path o = output.toAbsolutePath().normalize();
        if (c.startsWith(o) || o.startsWith(c)) {
            throw new IllegalArgumentException("the checkpoint folder " + checkpointDir + " and the adapter output " + output
                    + " must be separate folders, neither inside the other");
        }
    }

    private static JsonObject settings(Spec spec, LoraAdapter adapter) {
        JsonObject s = new JsonObject();
        s.add("lora", adapter.config().toPeftJson());
        s.addProperty("task_filter", adapter.hasTaskFilter());
        s.add("training", new Gson().toJsonTree(spec.training()));
        s.add("prompt", new Gson().toJsonTree(spec.prompt()));
        return s;
    }

    /** The token that ends a summary: the tokenizer's EOS, else generation_config's first. */
    public static long eosId(Path modelDir, TextTokenizer tokenizer) throws IOException {
        var fromTokenizer = tokenizer.eosToken().flatMap(tokenizer::tokenId);
        if (fromTokenizer.isPresent()) {
            return fromTokenizer.get();
        }
        List<Long> eos = GenerationConfig.fromModelFolder(modelDir).eosTokenIds();
        if (eos.isEmpty()) {
            throw new IllegalArgumentException(modelDir + ": neither the tokenizer nor generation_config.json names an end-of-sequence token");
        }
        return eos.get(0);
    }
}
