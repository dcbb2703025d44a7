package org.loralab.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.loralab.engine.table.TableFiles;
import org.loralab.engine.table.Tables;
import org.loralab.engine.train.TrainingExample;

/** Reading (document, summary) rows from a table file. */
final class TableArgs {

    private TableArgs() {
    }

    static List<TrainingExample> examples(Path file, String documentCol, String summaryCol, BufferAllocator alloc) throws IOException {
        if (file == null) {
            return List.of();
        }
        try (VectorSchemaRoot t = TableFiles.read(file, alloc)) {
            List<String> docs = Tables.strings(t, documentCol);
            List<String> sums = Tables.strings(t, summaryCol);
            List<TrainingExample> rows = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                rows.add(new TrainingExample(i, docs.get(i), sums.get(i)));
            }
            return rows;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
