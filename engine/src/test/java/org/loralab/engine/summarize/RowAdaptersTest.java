package org.loralab.engine.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.RandomB;
import org.loralab.engine.lora.RowAdapters;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelCache;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;

/** Per-row adapters: a mixed batch gives each row what it gives alone with its adapter. */
class RowAdaptersTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path bank;

    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);
    static final List<String> DOCS = List.of("Rain in Osaka.", "A much longer document about the markets today.",
            "Short.", "Snow fell across Hokkaido overnight.", "Tokyo trains ran late.", "Prices rose again.",
            "The river flooded the fields.", "A new bridge opened.");
    /** Three adapters of different ranks, alphas and target modules, and rows without one. */
    static final List<String> NAMES = Arrays.asList("en", "ja", null, "mlp", "ja", "", "en", "mlp");

    @BeforeAll
    static void setUp() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
        bank = dir.resolve("bank");
        try (CausalLM m = CausalLM.load(model, new ModelOptions("cpu", "auto"))) {
            write(m, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), 3, bank.resolve("en"));
            write(m, LoraConfig.of(2, 3, List.of("q_proj", "v_proj")), 5, bank.resolve("ja"));
            write(m, LoraConfig.of(6, 6, List.of("gate_proj", "up_proj", "down_proj")), 7, bank.resolve("mlp"));
        }
    }

    static void write(CausalLM m, LoraConfig config, long seed, Path to) throws Exception {
        try (LoraAdapter a = LoraAdapter.create(m, config, false, seed)) {
            RandomB.fill(a, seed, 0.3);
            AdapterWriter.write(a, null, to, false);
        }
    }

    static SummarizeOptions options(Path adapter, int batch) {
        return new SummarizeOptions(model, adapter, false, PROMPT, 256, batch, new ModelOptions("cpu", "auto"));
    }

    static List<String> texts(List<SummaryResult> r) {
        return r.stream().map(x -> x.summary() == null ? "<" + x.error() + ">" : x.summary()).toList();
    }

    /** Each row alone (batch of one) with its own adapter attached the ordinary way, or none. */
    static List<String> alone(java.util.function.Function<Summarizer, GenerationConfig> cfg) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < DOCS.size(); i++) {
            String name = NAMES.get(i);
            Path adapter = name == null || name.isBlank() ? null : bank.resolve(name);
            try (Summarizer s = Summarizer.open(options(adapter, 1))) {
                out.add(texts(s.summarize(List.of(DOCS.get(i)), cfg.apply(s), ProgressListener.NONE)).get(0));
            }
        }
        return out;
    }

    static List<String> mixed(RowAdapters.Mode mode, List<String> names, java.util.function.Function<Summarizer, GenerationConfig> cfg)
            throws Exception {
        try (Summarizer s = Summarizer.open(options(null, DOCS.size()), AdapterTable.ofBank(bank, false), mode)) {
            return texts(s.summarize(DOCS, names, cfg.apply(s), ProgressListener.NONE, 0));
        }
    }

    static GenerationConfig greedy(Summarizer s) {
        try {
            return s.defaults().maxNewTokens(10);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static GenerationConfig beams(Summarizer s) {
        return greedy(s).numBeams(3);
    }

    @Test
    void aMixedBatchGivesEachRowWhatItGivesAloneGreedy() throws Exception {
        List<String> alone = alone(RowAdaptersTest::greedy);
        for (RowAdapters.Mode mode : RowAdapters.Mode.values()) {
            assertEquals(alone, mixed(mode, NAMES, RowAdaptersTest::greedy), mode.name());
        }
        // the adapters matter: with no adapter named, the adapted rows come out otherwise
        List<String> base = mixed(RowAdapters.DEFAULT_MODE, null, RowAdaptersTest::greedy);
        for (int i : new int[] {0, 1, 3}) {
            assertNotEquals(base.get(i), alone.get(i), "row " + i);
        }
        assertEquals(base.get(2), alone.get(2));
        assertEquals(base.get(5), alone.get(5));
    }

    @Test
    void aMixedBatchGivesEachRowWhatItGivesAloneWithBeamSearch() throws Exception {
        List<String> alone = alone(RowAdaptersTest::beams);
        for (RowAdapters.Mode mode : RowAdapters.Mode.values()) {
            assertEquals(alone, mixed(mode, NAMES, RowAdaptersTest::beams), mode.name());
        }
    }

    /**
     * bf16 weights (what a GPU and a CPU with bf16 instructions compute in): the default way still gives each row
     * exactly its tokens alone. PADDED does not promise this: it sums the same products in another order, and
     * rounding the update to bf16 then turns a last-bit difference into another token.
     */
    @Test
    void inBf16TheDefaultWayGivesEachRowWhatItGivesAlone() throws Exception {
        Path bf16 = new TinyCheckpoint().seed(4).dtype("bfloat16").write(dir.resolve("base-bf16"));
        ModelOptions inBf16 = new ModelOptions("cpu", "bfloat16");
        // the rows of the other tests and two more; the last one's update ("mlp") rounds otherwise in PADDED
        List<String> docs = new ArrayList<>(DOCS);
        docs.addAll(List.of("Rain in Osaka.", "Rain in Osaka."));
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(Arrays.asList("mlp", null));
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            String name = names.get(i);
            Path adapter = name == null || name.isBlank() ? null : bank.resolve(name);
            try (Summarizer s = Summarizer.open(new SummarizeOptions(bf16, adapter, false, PROMPT, 256, 1, inBf16))) {
                alone.add(texts(s.summarize(List.of(docs.get(i)), greedy(s).maxNewTokens(12), ProgressListener.NONE)).get(0));
            }
        }
        for (int batch : new int[] {1, 3, docs.size()}) {
            try (Summarizer s = Summarizer.open(new SummarizeOptions(bf16, null, false, PROMPT, 256, batch, inBf16),
                    AdapterTable.ofBank(bank, false), Summarizer.rowAdapterMode())) {
                assertEquals(alone, texts(s.summarize(docs, names, greedy(s).maxNewTokens(12), ProgressListener.NONE, 0)),
                        "batch " + batch);
            }
        }
    }

    @Test
    void anUnknownAdapterNameIsThatRowsError() throws Exception {
        List<String> names = new ArrayList<>(NAMES);
        names.set(4, "de");
        try (Summarizer s = Summarizer.open(options(null, 4), AdapterTable.ofBank(bank, false))) {
            List<SummaryResult> r = s.summarize(DOCS, names, greedy(s), ProgressListener.NONE, 100);
            assertEquals("row 104: unknown adapter 'de'; the adapter table has [en, ja, mlp]", r.get(4).error());
            assertNull(r.get(4).summary());
            for (int i = 0; i < DOCS.size(); i++) {
                if (i != 4) {
                    assertNull(r.get(i).error(), "row " + i);
                }
            }
        }
    }

    @Test
    void anAdapterForAnotherBaseModelIsRefusedBeforeAnyWork() throws Exception {
        Path other = new TinyCheckpoint().seed(9).hiddenSize(48).heads(4, 2).write(dir.resolve("other-base"));
        Path foreign = dir.resolve("foreign");
        try (CausalLM m = CausalLM.load(other, new ModelOptions("cpu", "auto"))) {
            write(m, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), 3, foreign);
        }
        AdapterTable table = new AdapterTable(Map.of("en", bank.resolve("en"), "other", foreign), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Summarizer.open(options(null, 4), table));
        assertTrue(e.getMessage().startsWith("adapter 'other' (" + foreign + ") was made for another base model: "), e.getMessage());
    }

    /** A copy of the adapter {@code en} whose target_modules match none of its tensors: the bank lists it invalid. */
    static Path invalidAdapter() throws Exception {
        Path bad = dir.resolve("invalid").resolve("bad");
        if (!java.nio.file.Files.exists(bad)) {
            java.nio.file.Files.createDirectories(bad);
            for (String f : List.of(LoraConfig.FILE, "adapter_model.safetensors")) {
                java.nio.file.Files.copy(bank.resolve("en").resolve(f), bad.resolve(f));
            }
            Path cfg = bad.resolve(LoraConfig.FILE);
            java.nio.file.Files.writeString(cfg, java.nio.file.Files.readString(cfg)
                    .replaceAll("(?s)\"target_modules\": \\[.*?\\]", "\"target_modules\": [\"c_attn\"]"));
        }
        return bad;
    }

    /** An invalid adapter in the table is left out: only the rows naming it fail, with the bank listing's reason. */
    @Test
    void anInvalidAdapterIsLeftOutAndOnlyTheRowsNamingItFail() throws Exception {
        Path bad = invalidAdapter();
        String reason = org.loralab.engine.bank.AdapterBank.inspect(bad, null).reason();
        assertTrue(reason.contains("match none of its"), reason);
        Map<String, Path> folders = new java.util.LinkedHashMap<>();
        folders.put("en", bank.resolve("en"));
        folders.put("bad", bad);
        folders.put("ja", bank.resolve("ja"));
        folders.put("mlp", bank.resolve("mlp"));
        List<String> names = new ArrayList<>(NAMES);
        names.set(4, "bad");
        List<String> expected = mixed(RowAdapters.DEFAULT_MODE, NAMES, RowAdaptersTest::greedy);
        try (Summarizer s = Summarizer.open(options(null, DOCS.size()), new AdapterTable(folders, false))) {
            assertEquals("en (rank 4), ja (rank 2), mlp (rank 6); left out as not usable (their rows fail): bad", s.rowAdapters());
            List<SummaryResult> r = s.summarize(DOCS, names, greedy(s), ProgressListener.NONE, 100);
            assertEquals("row 104: adapter 'bad' is not usable: " + reason, r.get(4).error());
            assertNull(r.get(4).summary());
            List<String> got = texts(r);
            for (int i = 0; i < DOCS.size(); i++) {
                if (i != 4) {
                    assertEquals(expected.get(i), got.get(i), "row " + i);
                }
            }
            names.set(4, "de"); // an unknown name still lists every adapter of the table
            assertEquals("row 104: unknown adapter 'de'; the adapter table has [en, bad, ja, mlp]",
                    s.summarize(DOCS, names, greedy(s), ProgressListener.NONE, 100).get(4).error());
        }
    }

    /** With no usable adapter left, the rows naming one fail with its reason and the others use the base model. */
    @Test
    void withOnlyInvalidAdaptersTheOtherRowsStillRun() throws Exception {
        Path bad = invalidAdapter();
        List<String> base = mixed(RowAdapters.DEFAULT_MODE, null, RowAdaptersTest::greedy);
        List<String> names = Arrays.asList("bad", null, "", null, "bad", null, null, null);
        try (Summarizer s = Summarizer.open(options(null, 4), new AdapterTable(Map.of("bad", bad), false))) {
            assertEquals("none usable; left out as not usable (their rows fail): bad", s.rowAdapters());
            List<SummaryResult> r = s.summarize(DOCS, names, greedy(s), ProgressListener.NONE, 0);
            for (int i = 0; i < DOCS.size(); i++) {
                if ("bad".equals(names.get(i))) {
                    assertTrue(r.get(i).error().startsWith("row " + i + ": adapter 'bad' is not usable: " + bad
                            + ": target_modules [c_attn] match none of its"), r.get(i).error());
                } else {
                    assertEquals(base.get(i), texts(r).get(i), "row " + i);
                }
            }
        }
    }

    /**
     * On the JVM's model cache (as in KNIME) the adapters hook into this job's view only: the mixed
     * batch is unchanged, and the next job reading the shared copy sees the plain base model.
     */
    @Test
    void onACachedModelTheAdaptersStayInTheirJob() throws Exception {
        List<String> alone = alone(RowAdaptersTest::greedy); // budget 0: a model of its own per run
        List<String> base = mixed(RowAdapters.DEFAULT_MODE, null, RowAdaptersTest::greedy);
        ModelCache.shared().setBudget(1L << 30);
        try {
            long loads = ModelCache.shared().loads();
            try (Summarizer mixed = Summarizer.open(options(null, DOCS.size()), AdapterTable.ofBank(bank, false), RowAdapters.DEFAULT_MODE);
                    Summarizer plain = Summarizer.open(options(null, DOCS.size()))) {
                assertEquals(alone, texts(mixed.summarize(DOCS, NAMES, greedy(mixed), ProgressListener.NONE, 0)));
                // while the mixed job still holds its adapters
                assertEquals(base, texts(plain.summarize(DOCS, greedy(plain), ProgressListener.NONE)), "the shared model is the base model");
            }
            assertEquals(1, ModelCache.shared().loads() - loads, "both jobs read one cached copy");
        } finally {
            ModelCache.shared().setBudget(0);
        }
    }
}
