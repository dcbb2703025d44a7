package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.cli.LoraLabCli;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import picocli.CommandLine;

/** What rows the ROUGE scorer sees: the default tokenizer, empty versus missing references, option values. */
class RougeInputHandlingTest {

    @TempDir
    Path tmp;

    @Test
    void byDefaultAnEnglishRowWithOneHanCharacterIsScoredAsRougeScoreWould() {
        String prediction = "the office in 東京 opened on monday";
        String reference = "the tokyo office opened on monday";
        Score expected = new RougeScorer(List.of(RougeType.ROUGE_1), new DefaultRougeTokenizer(true))
                .score(reference, prediction).get(RougeType.ROUGE_1);
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = new TableBuilder(alloc).strings("p", List.of(prediction))
                        .strings("r", List.of(reference)).build();
                RougeTableScorer.Result r = new RougeTableScorer(RougeOptions.defaults())
                        .score(input, "p", List.of("r"), null, alloc, ProgressListener.NONE)) {
            assertEquals("en", Tables.strings(r.rows(), RougeTableScorer.LANGUAGE_COLUMN).get(0));
            assertEquals(expected.get(Score.Measure.FMEASURE), Tables.doubles(r.rows(), "rouge1_fmeasure")[0], 0);
        }
        assertEquals(Language.JAPANESE, Language.detect(prediction)); // detection, when asked for, still says ja
    }

    @Test
    void anEmptyCsvReferenceScoresZeroAndAMissingOneIsLeftOutAndCounted() throws Exception {
        Path csv = tmp.resolve("in.csv");
        // Row 0 matches, row 1's reference is the empty string (quoted), row 2's is missing (unquoted empty).
        Files.writeString(csv, "summary,reference\nthe cat sat,the cat sat\nthe cat sat,\"\"\nthe cat sat,\n");
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = TableFiles.read(csv, alloc);
                RougeTableScorer.Result r = new RougeTableScorer(RougeOptions.defaults().withBootstrap(50, 0.95, 1))
                        .score(input, "summary", List.of("reference"), null, alloc, ProgressListener.NONE)) {
            assertEquals(Arrays.asList("the cat sat", "", null), Tables.strings(input, "reference"));
            double[] f1 = Tables.doubles(r.rows(), "rouge1_fmeasure");
            assertEquals(1.0, f1[0], 0);
            assertEquals(0.0, f1[1], 0); // rouge-score: no target tokens, F = 0
            assertEquals(Double.NaN, f1[2]);
            assertNull(Tables.strings(r.rows(), RougeTableScorer.ERROR_COLUMN).get(1));
            assertEquals(2, r.scoredRows());
            assertEquals(0.5, Tables.doubles(r.summary(), "mean")[2], 1e-12); // rouge1 fmeasure over rows 0 and 1
            assertEquals(1L, r.summary().getVector(RougeTableScorer.LEFT_OUT_COLUMN).getObject(0));
            assertEquals(2L, r.summary().getVector("rows").getObject(0));
        }
    }

    @Test
    void anEmptyStringSurvivesACsvRoundTrip() throws Exception {
        Path csv = tmp.resolve("out.csv");
        try (BufferAllocator alloc = Tables.newAllocator("test");
                // two columns: in a one-column CSV a missing last cell is a blank line, which readers (and now ours) skip
                VectorSchemaRoot t = new TableBuilder(alloc).strings("a", Arrays.asList("x", "", null))
                        .strings("b", Arrays.asList("1", "2", "3")).build()) {
            TableFiles.write(csv, t);
            try (VectorSchemaRoot back = TableFiles.read(csv, alloc)) {
                assertEquals(Arrays.asList("x", "", null), Tables.strings(back, "a"));
            }
        }
    }

    @Test
    void anUnknownJapaneseTokenUnitIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> JapaneseRougeTokenizer.Mode.parse("foo"));
        assertEquals(JapaneseRougeTokenizer.Mode.CHARACTER, JapaneseRougeTokenizer.Mode.parse("Character"));
        Path csv = tmp.resolve("in.csv");
        Files.writeString(csv, "summary,reference\na,a\n");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new LoraLabCli());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("rouge", "--data", csv.toString(), "--out", tmp.resolve("s.csv").toString(), "--japanese", "foo");
        assertNotEquals(0, code);
        assertEquals(false, Files.exists(tmp.resolve("s.csv")));
    }
}
