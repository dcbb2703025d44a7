package org.loralab.engine.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralab.engine.io.AtomicFiles;
import org.loralab.engine.io.AtomicFolders;
import org.loralab.engine.io.SafetensorsWriter;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.tokenizer.BpeTokenizerJson;
import org.loralab.engine.tokenizer.BpeTrainer;
import org.loralab.engine.tokenizer.TextTokenizer;
import org.loralab.engine.train.EncodedExample;
import org.loralab.engine.train.FullModelTrainer;
import org.loralab.engine.train.LrSchedule;
import org.loralab.engine.train.TrainingConfig;
import org.loralab.engine.train.TrainingListener;

/**
 * Builds the demo's base model with our own trainer: a character-level BPE tokenizer learned on the
 * demo's texts (no byte fallback, so no output can hold invalid UTF-8), and a small Llama-shaped
 * model whose every weight is trained as a language model on the demo's documents and summaries of
 * every domain and both languages, each text on its own, never a (document → summary) pair: the
 * base model writes the languages, summarizing is left for adapters.
 */
public final class DemoBaseModel {

    public static final int HIDDEN = 256;
    public static final int LAYERS = 4;
    static final List<String> SPECIAL_TOKENS = List.of(TinyCheckpoint.ENDOFTEXT, TinyCheckpoint.IM_START, TinyCheckpoint.IM_END, "<unk>");
    static final long EOS = 2; // <|im_end|>
    private static final int BATCH = 64;
    private static final String ASCII = printableAscii();

    /** How to build it; the defaults are what the shipped model was built with. */
    public record Recipe(int docsPerPair, int merges, int epochs, double learningRate, long seed) {
        public static Recipe shipped() {
            return new Recipe(1500, 600, 6, 3e-3, 2024);
        }

        String command() {
            return String.format(Locale.ROOT, "java -jar engine/target/loralab.jar demo-model --out "
                    + "engine/src/main/resources/org/loralab/engine/demo/base-model --docs %d --merges %d --epochs %d --lr %s --seed %d",
                    docsPerPair, merges, epochs, learningRate, seed);
        }
    }

    private DemoBaseModel() {
    }

    /** The pretraining texts: documents and summaries of every (domain, language), each on its own. */
    static List<String> corpus(int docsPerPair) {
        List<String> texts = new ArrayList<>();
        for (DemoData.Domain d : DemoData.Domain.values()) {
            for (DemoData.Lang l : DemoData.Lang.values()) {
                for (DemoData.Pair p : DemoData.generate(d, l, docsPerPair, DemoData.PRETRAINING_SEED)) {
                    texts.add(p.document());
                    texts.add(p.summary());
                }
            }
        }
        return texts;
    }

    public static void build(Path out, Recipe recipe, TrainingListener listener) throws IOException {
        long start = System.nanoTime();
        List<String> texts = corpus(recipe.docsPerPair());
        BpeTrainer.Vocabulary vocab = BpeTrainer.train(texts, ASCII, recipe.merges());
        int vocabSize = BpeTokenizerJson.vocabSize(vocab, SPECIAL_TOKENS);
        Path work = Files.createTempDirectory("loralab-demo-base");
        try {
            Path init = new TinyCheckpoint().vocabSize(vocabSize).hiddenSize(HIDDEN).layers(LAYERS).heads(8, 4).intermediateSize(704)
                    .weightStd(0.02).seed(recipe.seed()).write(work.resolve("init"));
            writeTokenizer(init, vocab);
            List<Double> losses;
            try (TextTokenizer tok = TextTokenizer.load(init);
                    CausalLM model = CausalLM.loadWritable(init, new ModelOptions("cpu", "float32"))) {
                List<EncodedExample> data = new ArrayList<>();
                for (int i = 0; i < texts.size(); i++) {
                    long[] ids = tok.encode(texts.get(i), false);
                    long[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
                    withEos[ids.length] = EOS;
                    data.add(new EncodedExample(i, withEos, 1, 0));
                }
                TrainingConfig cfg = TrainingConfig.defaults().withEpochs(recipe.epochs()).withLearningRate(recipe.learningRate())
                        .withBatch(BATCH, 1).withSchedule(LrSchedule.COSINE, 0.03).withRegularisation(0.01, 1.0).withSeed(recipe.seed());
                losses = new FullModelTrainer(model, cfg, 0).train(data, listener);
                long tokens = data.stream().mapToLong(e -> e.ids().length).sum();
                long parameters = model.namedWeights().values().stream().mapToLong(a -> a.getShape().size()).sum();
                String notes = trainingNotes(recipe, vocabSize, parameters, texts.size(), tokens, losses, (System.nanoTime() - start) / 1e9);
                // Ship in bf16: half the size; the loader widens it exactly.
                AtomicFolders.write(out, true, tmp -> {
                    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}) {
                        Files.copy(init.resolve(f), tmp.resolve(f));
                    }
                    JsonObject c = JsonParser.parseString(Files.readString(init.resolve("config.json"))).getAsJsonObject();
                    c.addProperty("torch_dtype", "bfloat16");
                    c.addProperty("bos_token_id", 1); // this tokenizer's <|im_start|> and <|im_end|>, not the byte-level ids
                    c.addProperty("eos_token_id", EOS);
                    Files.writeString(tmp.resolve("config.json"), c.toString());
                    SafetensorsWriter.write(tmp.resolve("model.safetensors"), model.namedWeights(), Map.of("format", "pt"), true);
                    Files.writeString(tmp.resolve("TRAINING.md"), notes);
                });
                AtomicFolders.makePlain(out); // a plain folder, as the sources hold it
            }
        } finally {
            AtomicFolders.deleteRecursively(work);
        }
    }

    private static void writeTokenizer(Path dir, BpeTrainer.Vocabulary vocab) throws IOException {
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), BpeTokenizerJson.build(vocab, SPECIAL_TOKENS, "<unk>"));
        JsonObject tc = JsonParser.parseString(Files.readString(dir.resolve("tokenizer_config.json"))).getAsJsonObject();
        tc.addProperty("unk_token", "<unk>");
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), gson.toJson(tc));
        JsonObject gen = new JsonObject();
        JsonArray eos = new JsonArray();
        eos.add(EOS);
        eos.add(0);
        gen.add("eos_token_id", eos);
        gen.addProperty("pad_token_id", 0);
        AtomicFiles.writeString(dir.resolve("generation_config.json"), gson.toJson(gen));
    }

    private static String trainingNotes(Recipe r, int vocabSize, long parameters, int texts, long tokens, List<Double> losses, double seconds) {
        StringBuilder sb = new StringBuilder("# The demo base model\n\nBuilt by LoRA Lab itself (`DemoBaseModel`), with this command:\n\n    ")
                .append(r.command()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "- Llama architecture: hidden %d, %d layers, 8 heads (4 key/value heads), MLP 704, "
                + "vocabulary %d; %,d parameters, stored in bfloat16 (%.1f MB).%n", HIDDEN, LAYERS, vocabSize, parameters,
                parameters * 2 / 1e6));
        sb.append(String.format(Locale.ROOT, "- Tokenizer: character-level BPE learned on the corpus below (%d merges, digits never "
                + "merged), Metaspace pre-tokenizer, no byte fallback; characters outside its alphabet become `<unk>`, which "
                + "decoding drops. No token sequence decodes to invalid UTF-8.%n", r.merges()));
        sb.append(String.format(Locale.ROOT, "- Corpus: `DemoData` seed %d, %d documents per (domain, language), 4 domains × 2 languages; "
                + "documents and summaries as separate texts (%d texts, %d tokens), never a document with its summary.%n",
                DemoData.PRETRAINING_SEED, r.docsPerPair(), texts, tokens));
        sb.append(String.format(Locale.ROOT, "- Training: every weight from a normal(0, 0.02) start (seed %d), %d epochs, AdamW "
                + "lr %s with cosine decay after 3%% warm-up, weight decay 0.01, batch " + BATCH + ", gradient clipping at 1.0.%n",
                r.seed(), r.epochs(), r.learningRate()));
        sb.append("- Mean token loss per epoch:");
        for (double l : losses) {
            sb.append(String.format(Locale.ROOT, " %.3f", l));
        }
        sb.append(String.format(Locale.ROOT, ".%n- Build time: %.0f s on the machine that built it.%n", seconds));
        return sb.toString();
    }

    private static String printableAscii() {
        StringBuilder sb = new StringBuilder("\n" + BpeTokenizerJson.SPACE); // a space is "▁" after pre-tokenizing
        for (char c = '!'; c <= '~'; c++) {
            sb.append(c);
        }
        return sb.toString();
    }
}
