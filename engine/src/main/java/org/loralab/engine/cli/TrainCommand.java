package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.loralab.engine.lora.AdapterMetadata;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.table.Tables;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainLoraJob;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingExample;
import org.loralab.engine.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The Train LoRA node from the command line. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a LoRA adapter on (document, summary) rows.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, converter = ModelFolder.class, description = ModelFolder.HELP) Path model;
    @Option(names = "--data", required = true, description = "training table (.arrow, .csv, .jsonl)") Path data;
    @Option(names = "--validation", description = "validation table, same columns") Path validation;
    @Option(names = "--document-col", defaultValue = "document", description = "column with the documents") String documentCol;
    @Option(names = "--summary-col", defaultValue = "summary", description = "column with the reference summaries") String summaryCol;
    @Option(names = "--out", required = true, description = "adapter folder to write") Path out;
    @Option(names = "--overwrite", description = "replace an existing --out folder") boolean overwrite;
    @Option(names = "--init", description = "continue training this adapter") Path init;
    @Option(names = "--rank", defaultValue = "8", description = "LoRA rank") int rank;
    @Option(names = "--alpha", defaultValue = "16", description = "LoRA alpha: updates are scaled by alpha / rank") double alpha;
    @Option(names = "--dropout", defaultValue = "0.05", description = "dropout on the LoRA input while training") double dropout;
    @Option(names = "--targets", defaultValue = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
            description = "projections to adapt, comma-separated") String targets;
    @Option(names = "--rslora", description = "rank-stabilized scaling, alpha / sqrt(rank)") boolean rslora;
    @Option(names = "--trf", description = "LoRA-TRF: add the task-aware filter") boolean trf;
    @Option(names = "--epochs", defaultValue = "3", description = "passes over the training rows") int epochs;
    @Option(names = "--lr", defaultValue = "2e-4", description = "AdamW learning rate") double lr;
    @Option(names = "--batch", defaultValue = "4", description = "rows per forward pass") int batch;
    @Option(names = "--accumulate", defaultValue = "1", description = "forward passes per optimizer step (gradient accumulation)") int accumulate;
    @Option(names = "--warmup", defaultValue = "0.0", description = "fraction of the steps spent warming the learning rate up") double warmup;
    @Option(names = "--schedule", defaultValue = "linear", description = "constant, linear or cosine") String schedule;
    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay") double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "clip the global gradient norm to this (0: off)") double clip;
    @Option(names = "--max-length", defaultValue = "512", description = "tokens per training row, prompt and summary (longer documents are truncated)") int maxLength;
    @Option(names = "--seed", defaultValue = "42", description = "seed of the initialisation, shuffling and dropout") long seed;
    @Option(names = "--patience", defaultValue = "0", description = "early stopping patience in epochs (0: off)") int patience;
    @Option(names = "--checkpoint", description = "checkpoint folder") Path checkpoint;
    @Option(names = "--resume", description = "resume from --checkpoint when it holds one") boolean resume;
    @Option(names = "--save-steps", defaultValue = "0", description = "also checkpoint every N optimizer steps (0: at epoch ends only)") int saveSteps;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N") String device;
    @Option(names = "--language", description = "metadata: the adapter's language") String language;
    @Option(names = "--domain", description = "metadata: its domain") String domain;
    @Option(names = "--task", defaultValue = "summarization", description = "metadata: the adapter's task") String task;
    @Option(names = "--description", description = "metadata: what the adapter is for") String description;
    @Mixin PromptArgs prompt;

    @Override
    public Integer call() throws Exception {
        InfoCommand.printEngine(device);
        try (BufferAllocator alloc = Tables.newAllocator("train")) {
            List<TrainingExample> rows = TableArgs.examples(data, documentCol, summaryCol, alloc);
            List<TrainingExample> val = TableArgs.examples(validation, documentCol, summaryCol, alloc);
            LoraConfig lora = LoraConfig.of(rank, alpha, Arrays.asList(targets.split(","))).withDropout(dropout).withRslora(rslora);
            TrainingConfig cfg = TrainingConfig.defaults().withEpochs(epochs).withLearningRate(lr).withBatch(batch, accumulate)
                    .withSchedule(LrSchedule.valueOf(schedule.toUpperCase()), warmup).withRegularisation(weightDecay, clip)
                    .withMaxSeqLength(maxLength).withSeed(seed).withEarlyStopping(patience).withSaveEverySteps(saveSteps);
            AdapterMetadata meta = AdapterMetadata.create(null);
            meta.language = language;
            meta.domain = domain;
            meta.task = task;
            meta.description = description;
            ConsoleProgress console = new ConsoleProgress("train");
            TrainLoraJob.Result r = TrainLoraJob.run(new TrainLoraJob.Spec(model, init, lora, trf, cfg, prompt.format(), out, overwrite,
                    checkpoint, resume, meta, new org.loralab.engine.model.ModelOptions(device, "auto")), rows, val, new TrainingListener() {
                        @Override
                        public void onProgress(long done, long total, String message) {
                            console.onProgress(done, total, message);
                        }

                        @Override
                        public void onEpoch(int epoch, double trainLoss, double validationLoss) {
                            ConsoleProgress.clear();
                            System.out.printf("epoch %d: train loss %.4f%s%n", epoch, trainLoss,
                                    Double.isNaN(validationLoss) ? "" : String.format(", validation loss %.4f", validationLoss));
                        }
                    });
            System.out.printf("wrote %s: %d trainable parameters, %d steps, %.1f s%s%n", r.adapter(), r.trainableParameters(),
                    r.training().steps(), r.training().seconds(),
                    r.droppedDocumentTokens() > 0 ? ", " + r.droppedDocumentTokens() + " document tokens truncated" : "");
            return 0;
        }
    }
}
