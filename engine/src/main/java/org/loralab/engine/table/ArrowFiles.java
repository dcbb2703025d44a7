package org.loralab.engine.table;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.loralab.engine.io.AtomicFiles;

/** Arrow IPC files (the random-access "file" format, .arrow / .feather v2), written atomically. */
public final class ArrowFiles {

    private ArrowFiles() {
    }

    public static void write(Path file, VectorSchemaRoot table) throws IOException {
        AtomicFiles.write(file, out -> {
            try (ArrowFileWriter writer = new ArrowFileWriter(table, null, Channels.newChannel(out))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
        });
    }

    /**
     * Copies rows {@code [fromRow, fromRow + n)} of {@code from} to rows starting at {@code toRow} of
     * {@code to} (same schema); {@code to} then holds {@code toRow + n} rows.
     */
    static void copyRows(VectorSchemaRoot from, int fromRow, VectorSchemaRoot to, int toRow, int n) {
        for (int c = 0; c < from.getFieldVectors().size(); c++) {
            var source = from.getVector(c);
            var target = to.getVector(c);
            for (int i = 0; i < n; i++) {
                target.copyFromSafe(fromRow + i, toRow + i, source);
            }
            target.setValueCount(toRow + n);
        }
        to.setRowCount(toRow + n);
    }

    /** Reads every record batch of {@code file} into one table owned by the caller. */
    public static VectorSchemaRoot read(Path file, BufferAllocator allocator) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(ch, allocator, Lz4ArrowCodec.FACTORY)) { // LZ4: pyarrow's Feather default
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            VectorSchemaRoot all = VectorSchemaRoot.create(batch.getSchema(), allocator);
            int rows = 0;
            while (reader.loadNextBatch()) {
                copyRows(batch, 0, all, rows, batch.getRowCount());
                rows += batch.getRowCount();
            }
            return all;
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
        }
    }

}
