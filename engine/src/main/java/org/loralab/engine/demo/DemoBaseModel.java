package org.loralab.engine.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.merge.MergedModelWriter;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.LoraTrainer;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingListener;

/**
 * Builds the demo's base model with our own trainer: a Llama-shaped byte-level model (3.1 M
 * parameters) language-modelled on the demo's documents and summaries of every domain and both
 * languages, but never on (document → summary) pairs, so summarizing is left for adapters.
 * Training is a sequence of high-rank LoRA rounds, each merged into the weights before the next
 * (as ReLoRA does); embeddings and the output head stay at their random initialisation.
 */
public final class DemoBaseModel {

    public static final int HIDDEN = 256;
    public static final int LAYERS = 4;

    private DemoBaseModel() {
    }

    public static void build(Path out, int rounds, int docsPerPair, TrainingListener listener) throws IOException {
        Path work = Files.createTempDirectory("loralab-demo-base");
        Path current = new TinyCheckpoint().hiddenSize(HIDDEN).layers(LAYERS).heads(8, 4).intermediateSize(704)
                .weightStd(0.02).seed(2024).write(work.resolve("round-0"));
        List<String> texts = new ArrayList<>();
        for (DemoData.Domain d : DemoData.Domain.values()) {
            for (DemoData.Lang l : DemoData.Lang.values()) {
                for (DemoData.Pair p : DemoData.generate(d, l, docsPerPair, 999)) {
                    texts.add(p.document());
                    texts.add(p.summary());
                }
            }
        }
        for (int round = 1; round <= rounds; round++) {
            try (TextTokenizer tok = TextTokenizer.load(current);
                    CausalLM model = CausalLM.load(current, new ModelOptions("cpu", "auto"))) {
                List<EncodedExample> data = new ArrayList<>();
                for (int i = 0; i < texts.size(); i++) {
                    long[] ids = tok.encode(texts.get(i), false);
                    long[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
                    withEos[ids.length] = 258;
                    data.add(new EncodedExample(i, withEos, 1, 0));
                }
                TrainingConfig cfg = TrainingConfig.defaults().withEpochs(1).withLearningRate(3e-3).withBatch(16, 1)
                        .withSchedule(LrSchedule.COSINE, 0.05).withMaxSeqLength(512).withSeed(round);
                try (LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(64, 64, LoraConfig.ALL_LINEAR), false, round)) {
                    new LoraTrainer(model, a, cfg, 256).train(data, List.of(), null, false, null, listener);
                    Path next = work.resolve("round-" + round);
                    MergedModelWriter.write(model, a, current, next, false); // W + B·A becomes the next round's base
                    current = next;
                }
            }
        }
        Path last = current;
        // Ship in bf16: half the size, and the loader widens it exactly.
        try (CausalLM model = CausalLM.load(last, new ModelOptions("cpu", "auto"))) {
            AtomicFolders.write(out, true, tmp -> {
                for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
                    Files.copy(last.resolve(f), tmp.resolve(f));
                }
                JsonObject cfg = JsonParser.parseString(Files.readString(last.resolve("config.json"))).getAsJsonObject();
                cfg.addProperty("torch_dtype", "bfloat16");
                Files.writeString(tmp.resolve("config.json"), cfg.toString());
                SafetensorsWriter.write(tmp.resolve("model.safetensors"), model.namedWeights(), Map.of("format", "pt"), true);
                Files.writeString(tmp.resolve("TRAINING.md"), "Trained by LoRA Lab itself:\n\n    java -jar engine/target/loralab.jar demo-model --out "
                        + "engine/src/main/resources/org/loralab/engine/demo/base-model --rounds " + rounds + " --docs " + docsPerPair
                        + "\n\nLanguage modelling (documents and summaries, no pairs) of DemoData seed 999, " + rounds
                        + " merged LoRA rounds (r=64, all linear layers, AdamW 3e-3 cosine), embeddings and head random (seed 2024).\n");
            });
        }
        AtomicFolders.deleteRecursively(work);
    }
}
