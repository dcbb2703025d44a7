package org.loralab.engine.cli;

import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.model.ModelOptions;
import picocli.CommandLine.Option;

/** Options shared by commands that load a model and decode. */
final class ModelArgs {

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--dtype", defaultValue = "auto", description = "auto, float32, bfloat16 or float16 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--max-new-tokens", description = "tokens to generate (default: generation_config.json, else 128)")
    Integer maxNewTokens;

    @Option(names = "--sample", description = "sample instead of greedy decoding")
    boolean sample;

    @Option(names = "--temperature", description = "sampling temperature")
    Double temperature;

    @Option(names = "--top-k", description = "keep the k most likely tokens when sampling (0: off; default: generation_config.json, else 50)")
    Integer topK;

    @Option(names = "--top-p", description = "keep the smallest set of tokens whose probability reaches p")
    Double topP;

    @Option(names = "--repetition-penalty",
            description = "divide (multiply if negative) the score of tokens already in the prompt or output by this, as transformers (1: off; default: generation_config.json, else 1)")
    Double repetitionPenalty;

    @Option(names = "--seed", defaultValue = "42", description = "random seed for sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--beams", description = "beam search with this many beams")
    Integer beams;

    ModelOptions modelOptions() {
        return new ModelOptions(device, dtype);
    }

    GenerationConfig apply(GenerationConfig cfg) {
        if (maxNewTokens != null) {
            cfg.maxNewTokens(maxNewTokens);
        }
        if (sample) {
            cfg.doSample(true);
        }
        if (temperature != null) {
            cfg.temperature(temperature);
        }
        if (topK != null) {
            cfg.topK(topK);
        }
        if (topP != null) {
            cfg.topP(topP);
        }
        if (repetitionPenalty != null) {
            cfg.repetitionPenalty(repetitionPenalty);
        }
        if (beams != null) {
            cfg.numBeams(beams);
        }
        return cfg.seed(seed);
    }
}
