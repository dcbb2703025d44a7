package org.loralab.engine.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.generate.GenerationConfig;
import org.loralab.engine.lora.AdapterWriter;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.lora.LoraConfig;
import org.loralab.engine.lora.RandomB;
import org.loralab.engine.model.CausalLM;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

class SummarizerTest {

    @TempDir
    static Path dir;
    static Path model;
    static Path adapter;

    static final List<String> DOCS = Arrays.asList("Rain in Osaka.", "A much longer document about the markets today.",
            null, "Short.", "  ", "Snow fell across Hokkaido overnight.");
    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);

    @BeforeAll
    static void setUp() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
        try (CausalLM m = CausalLM.load(model, new ModelOptions("cpu", "auto"));
                LoraAdapter a = LoraAdapter.create(m, LoraConfig.of(4, 8, LoraConfig.ALL_LINEAR), false, 3)) {
            RandomB.fill(a, 2, 0.2);
            adapter = dir.resolve("adapter");
            AdapterWriter.write(a, null, adapter, false);
        }
    }

    private static List<SummaryResult> run(Path adapterDir, boolean merge, int batch, int maxInput) throws Exception {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapterDir, merge, PROMPT, maxInput, batch,
                new ModelOptions("cpu", "auto")))) {
            GenerationConfig cfg = s.defaults().maxNewTokens(12);
            return s.summarize(DOCS, cfg, ProgressListener.NONE);
        }
    }

    private static List<String> texts(List<SummaryResult> r) {
        return r.stream().map(x -> x.summary() == null ? "<" + x.error() + ">" : x.summary()).toList();
    }

    @Test
    void greedyOutputIsIndependentOfBatchSizeAndInInputOrder() throws Exception {
        List<SummaryResult> one = run(adapter, false, 1, 256);
        List<SummaryResult> three = run(adapter, false, 3, 256);
        List<SummaryResult> all = run(adapter, false, 16, 256);
        assertEquals(texts(one), texts(three));
        assertEquals(texts(one), texts(all));
        for (int i = 0; i < DOCS.size(); i++) {
            assertEquals(i, one.get(i).row());
        }
        assertTrue(one.get(0).generatedTokens() > 0);
    }

    @Test
    void sampledOutputIsIndependentOfBatchSizeForASeed() throws Exception {
        List<List<String>> runs = new java.util.ArrayList<>();
        for (int batch : new int[] {1, 4, 4}) {
            try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, false, PROMPT, 256, batch, new ModelOptions("cpu", "auto")))) {
                runs.add(texts(s.summarize(DOCS, s.defaults().maxNewTokens(10).doSample(true).temperature(1.5).seed(5), ProgressListener.NONE)));
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(1), runs.get(2));
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, adapter, false, PROMPT, 256, 4, new ModelOptions("cpu", "auto")))) {
            assertNotEquals(runs.get(0), texts(s.summarize(DOCS, s.defaults().maxNewTokens(10).doSample(true).temperature(1.5).seed(6),
                    ProgressListener.NONE)));
        }
    }

    @Test
    void badRowsGetAnErrorAndTheOthersASummary() throws Exception {
        List<SummaryResult> r = run(null, false, 4, 256);
        assertEquals("row 2: the document is missing", r.get(2).error());
        assertEquals("row 4: the document is empty", r.get(4).error());
        assertNull(r.get(2).summary());
        for (int i : new int[] {0, 1, 3, 5}) {
            assertNull(r.get(i).error());
            assertTrue(r.get(i).summary() != null);
        }
    }

    @Test
    void theAdapterChangesTheOutputAndMergingDoesNot() throws Exception {
        List<String> base = texts(run(null, false, 4, 256));
        List<String> unmerged = texts(run(adapter, false, 4, 256));
        List<String> merged = texts(run(adapter, true, 4, 256));
        assertNotEquals(base, unmerged);
        assertEquals(unmerged, merged);
    }

    @Test
    void longDocumentsAreTruncatedToTheBudget() throws Exception {
        List<SummaryResult> r = run(null, false, 2, 30);
        SummaryResult longOne = r.get(1);
        assertTrue(longOne.promptTokens() <= 30);
        assertTrue(longOne.truncatedTokens() > 0);
        assertEquals(0, r.get(3).truncatedTokens());
        List<SummaryResult> tiny = run(null, false, 2, 5); // "\nSummary:" alone does not fit
        assertTrue(tiny.get(0).error().startsWith("row 0: the prompt template alone is"), tiny.get(0).error());
    }

    @Test
    void cancellationStopsTheRun() throws Exception {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, null, false, PROMPT, 64, 1, new ModelOptions("cpu", "auto")))) {
            int[] calls = {0};
            assertThrows(CancellationException.class, () -> s.summarize(DOCS, s.defaults().maxNewTokens(4), new ProgressListener() {
                @Override
                public boolean isCancelled() {
                    return calls[0]++ >= 2;
                }
            }));
        }
    }

    @Test
    void tableKeepsInputColumnsAndAddsResults() throws Exception {
        List<SummaryResult> r = run(null, false, 4, 256);
        try (BufferAllocator alloc = Tables.newAllocator("sum");
                VectorSchemaRoot in = new TableBuilder(alloc).strings("id", List.of("a", "b", "c", "d", "e", "f"))
                        .strings("document", DOCS).strings("summary", Arrays.asList(null, null, null, null, null, null)).build();
                VectorSchemaRoot out = SummarizeTable.withSummaries(in, r, alloc)) {
            assertEquals(List.of("id", "document", "summary", "summary_2", "summary_error", "prompt_tokens", "truncated_tokens",
                    "generated_tokens"), out.getSchema().getFields().stream().map(f -> f.getName()).toList());
            assertEquals(List.of("a", "b", "c", "d", "e", "f"), Tables.strings(out, "id"));
            assertEquals(r.get(0).summary(), Tables.strings(out, "summary_2").get(0));
            assertEquals("row 2: the document is missing", Tables.strings(out, "summary_error").get(2));
        }
    }
}
