package org.loralab.engine.rouge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralab.engine.progress.ProgressListener;
import org.loralab.engine.table.ArrowFiles;
import org.loralab.engine.table.TableBuilder;
import org.loralab.engine.table.Tables;

class RougeTableScorerTest {

    @TempDir
    Path tmp;

    @Test
    void scoresEachRowWithItsLanguageAndSummarises() throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = new TableBuilder(alloc)
                        .strings("summary", Arrays.asList("testing one two", "東京は雨です", "anything", "x y"))
                        .strings("ref_a", Arrays.asList("testing", "東京は晴れです", null, "x y"))
                        .strings("ref_b", Arrays.asList("testing one two", null, null, "q"))
                        .build()) {
            // Round trip through an Arrow IPC file, as a scheduled job would pass it.
            Path file = tmp.resolve("in.arrow");
            ArrowFiles.write(file, input);
            try (VectorSchemaRoot read = ArrowFiles.read(file, alloc);
                    RougeTableScorer.Result r = new RougeTableScorer(RougeOptions.defaults().withLanguage(Language.DETECT))
                            .score(read, "summary", List.of("ref_a", "ref_b"), null, alloc, ProgressListener.NONE)) {
                double[] f1 = Tables.doubles(r.rows(), "rouge1_fmeasure");
                assertEquals(1.0, f1[0], 1e-12); // the second reference matches exactly
                assertEquals(0.75, f1[1], 1e-12); // Japanese, detected: 3 of 4 morphemes
                assertTrue(Double.isNaN(f1[2]));
                assertEquals(1.0, f1[3], 1e-12);
                assertEquals(Arrays.asList("en", "ja", null, "en"), Tables.strings(r.rows(), RougeTableScorer.LANGUAGE_COLUMN));
                List<String> errors = Tables.strings(r.rows(), RougeTableScorer.ERROR_COLUMN);
                assertEquals("row 2: every reference cell is missing", errors.get(2));
                assertNull(errors.get(0));
                assertEquals(3, r.scoredRows());

                assertEquals(12, r.summary().getRowCount()); // 4 types x 3 measures
                assertEquals("rouge1", Tables.strings(r.summary(), "rouge_type").get(2));
                assertEquals("fmeasure", Tables.strings(r.summary(), "measure").get(2));
                assertEquals((1 + 0.75 + 1) / 3, Tables.doubles(r.summary(), "mean")[2], 1e-12);
                double low = Tables.doubles(r.summary(), "low")[2];
                double high = Tables.doubles(r.summary(), "high")[2];
                assertTrue(low >= 0.75 - 1e-12 && high <= 1 + 1e-12 && low <= high);
            }
        }
    }

    @Test
    void perRowLanguageColumnOverridesDetection() throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = new TableBuilder(alloc)
                        .strings("p", List.of("東京は雨です", "東京は雨です", "abc"))
                        .strings("r", List.of("東京は晴れです", "東京は晴れです", "abc"))
                        .strings("lang", List.of("ja", "en", "klingon"))
                        .build();
                RougeTableScorer.Result r = new RougeTableScorer(RougeOptions.defaults()
                        .withJapaneseMode(JapaneseRougeTokenizer.Mode.CHARACTER))
                        .score(input, "p", List.of("r"), "lang", alloc, ProgressListener.NONE)) {
            double[] p1 = Tables.doubles(r.rows(), "rouge1_precision");
            assertEquals(5 / 6.0, p1[0], 1e-12); // characters
            assertEquals(0.0, p1[1], 1e-12); // forced English erases Japanese
            assertTrue(Tables.strings(r.rows(), RougeTableScorer.ERROR_COLUMN).get(2).contains("unknown language 'klingon'"));
        }
    }

    @Test
    void missingPredictionIsARowErrorLeftOutOfTheCorpus() throws Exception {
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = new TableBuilder(alloc)
                        .strings("p", Arrays.asList("the cat sat", null, ""))
                        .strings("r", List.of("the cat sat", "the cat sat", "the cat sat"))
                        .build();
                RougeTableScorer.Result r = new RougeTableScorer(RougeOptions.defaults())
                        .score(input, "p", List.of("r"), null, alloc, ProgressListener.NONE)) {
            double[] f1 = Tables.doubles(r.rows(), "rouge1_fmeasure");
            assertTrue(Double.isNaN(f1[1]), "a failed summary has no score");
            assertEquals(0.0, f1[2], 1e-12); // an empty summary is an answer, scored 0
            assertEquals("row 1: the prediction is missing (a failed summary?)",
                    Tables.strings(r.rows(), RougeTableScorer.ERROR_COLUMN).get(1));
            assertEquals(2, r.scoredRows());
            assertEquals(0.5, Tables.doubles(r.summary(), "mean")[2], 1e-12); // (1 + 0) / 2, not / 3
            assertEquals(1L, ((org.apache.arrow.vector.BigIntVector) r.summary().getVector(RougeTableScorer.LEFT_OUT_COLUMN)).get(2));
        }
    }

    @Test
    void missingColumnIsNamed() {
        try (BufferAllocator alloc = Tables.newAllocator("test");
                VectorSchemaRoot input = new TableBuilder(alloc).strings("p", List.of("a")).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RougeTableScorer(RougeOptions.defaults())
                    .score(input, "p", List.of("reference"), null, alloc, ProgressListener.NONE));
            assertEquals("the table has no column 'reference'; its columns are p", e.getMessage());
        }
    }
}
