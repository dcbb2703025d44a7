package org.loralab.engine.summarize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.model.ModelOptions;
import org.loralab.engine.model.TinyCheckpoint;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.prompt.PromptFormat;

/**
 * An out-of-memory or native failure during generation fails the job with advice; it does not
 * become "generation failed" on every row of a job that then reports success. Failures are injected
 * (a real out-of-memory would take the test machine with it).
 */
class ResourceFailureTest {

    @TempDir
    static Path dir;
    static Path model;

    static final List<String> DOCS = Arrays.asList("Rain in Osaka.", null, "Snow fell across Hokkaido overnight.", "Short.");
    static final PromptFormat PROMPT = new PromptFormat("{document}\nSummary:", "", false);

    @BeforeAll
    static void setUp() throws Exception {
        model = new TinyCheckpoint().seed(4).write(dir.resolve("base"));
    }

    private static SummarizeFailedException failWith(RuntimeException orError, Error error) throws Exception {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, null, false, PROMPT, 256, 2, new ModelOptions("cpu", "auto")))) {
            int[] calls = {0};
            s.useBatchGenerator((ids, cfg, streams) -> {
                if (calls[0]++ == 1) { // the second batch fails, as a batch of longer prompts would
                    if (error != null) {
                        throw error;
                    }
                    throw orError;
                }
                return ids.stream().map(p -> new long[] {72, 105}).toList();
            });
            return assertThrows(SummarizeFailedException.class,
                    () -> s.summarize(DOCS, s.defaults().maxNewTokens(7), ProgressListener.NONE));
        }
    }

    @Test
    void nativeOutOfMemoryFailsTheJobAndSaysWhatToChange() throws Exception {
        EngineException oom = new EngineException("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: "
                + "you tried to allocate 40265318400 bytes.");
        SummarizeFailedException e = failWith(oom, null);
        assertSame(oom, e.getCause());
        String m = e.getMessage();
        assertTrue(m.contains("ran out of memory"), m);
        assertTrue(m.contains("batch size (now 2)") && m.contains("maximum new tokens (now 7)") && m.contains("bfloat16"), m);
        assertTrue(m.contains("from row 2"), m); // the batch that failed: rows sorted by length, row 1 is missing
    }

    @Test
    void javaOutOfMemoryFailsTheJobToo() throws Exception {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        SummarizeFailedException e = failWith(null, oom);
        assertSame(oom, e.getCause());
        assertTrue(e.getMessage().contains("ran out of memory"), e.getMessage());
    }

    @Test
    void anotherNativeErrorFailsTheJobNamingIt() throws Exception {
        EngineException broken = new EngineException("mat1 and mat2 shapes cannot be multiplied (3x64 and 32x64)");
        SummarizeFailedException e = failWith(broken, null);
        assertTrue(e.getMessage().contains("native error") && e.getMessage().contains("shapes cannot be multiplied"), e.getMessage());
    }

    @Test
    void rowProblemsStayRowErrors() throws Exception {
        try (Summarizer s = Summarizer.open(new SummarizeOptions(model, null, false, PROMPT, 256, 2, new ModelOptions("cpu", "auto")))) {
            List<SummaryResult> r = s.summarize(DOCS, s.defaults().maxNewTokens(3), ProgressListener.NONE);
            assertEquals("row 1: the document is missing", r.get(1).error());
            for (int i : new int[] {0, 2, 3}) {
                assertEquals(null, r.get(i).error(), "row " + i);
            }
        }
    }
}
