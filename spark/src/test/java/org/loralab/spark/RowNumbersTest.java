package org.loralab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --row-col: whole numbers from any of the CLI's table formats, each number once. */
class RowNumbersTest {

    @TempDir
    Path dir;

    private List<Long> numbers(Path table) throws Exception {
        Dataset<Row> df = SparkTables.read(LocalSpark.get(), table.toString(), 2);
        return RowNumbers.of(df, "id").values().collect();
    }

    private static String failure(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof IllegalArgumentException)) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Test
    void csvTextAndJsonlRealsHoldingWholeNumbersAreRowNumbers() throws Exception {
        assertEquals(List.of(7L, 3L, 5L), numbers(Files.writeString(dir.resolve("t.csv"), "id,document\n7,a\n 3 ,b\n5,c\n")));
        assertEquals(List.of(7L, 3L), numbers(Files.writeString(dir.resolve("t.jsonl"),
                "{\"id\": 7, \"document\": \"a\"}\n{\"id\": 3.0, \"document\": \"b\"}\n")));
    }

    @Test
    void aFractionOrTextOrATwiceUsedNumberIsRefusedByName() {
        Exception half = assertThrows(Exception.class, () -> numbers(Files.writeString(dir.resolve("h.jsonl"),
                "{\"id\": 1.5, \"document\": \"a\"}\n")));
        assertTrue(failure(half).contains("holds 1.5, not a whole number"), failure(half));
        Exception text = assertThrows(Exception.class, () -> numbers(Files.writeString(dir.resolve("x.csv"), "id,document\nseven,a\n")));
        assertTrue(failure(text).contains("holds seven, not a whole number"), failure(text));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> numbers(Files.writeString(dir.resolve("d.csv"), "id,document\n1,a\n2,b\n1,c\n")));
        assertTrue(twice.getMessage().contains("holds 1 in 2 rows; row numbers must be unique"), twice.getMessage());
    }
}
