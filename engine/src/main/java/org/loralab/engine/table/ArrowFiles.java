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

    /** Reads every record batch of {@code file} into one table owned by the caller. */
    public static VectorSchemaRoot read(Path file, BufferAllocator allocator) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(ch, allocator, Lz4ArrowCodec.FACTORY)) { // LZ4: pyarrow's Feather default
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            VectorSchemaRoot all = VectorSchemaRoot.create(batch.getSchema(), allocator);
            int rows = 0;
            while (reader.loadNextBatch()) {
                for (int c = 0; c < batch.getFieldVectors().size(); c++) {
                    var from = batch.getVector(c);
                    var to = all.getVector(c);
                    for (int r = 0; r < batch.getRowCount(); r++) {
                        to.copyFromSafe(r, rows + r, from);
                    }
                }
                rows += batch.getRowCount();
            }
            for (var v : all.getFieldVectors()) {
                v.setValueCount(rows);
            }
            all.setRowCount(rows);
            return all;
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
        }
    }

}
