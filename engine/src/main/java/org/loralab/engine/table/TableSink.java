package org.loralab.engine.table;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Writes a table chunk by chunk to a stream, in the format a file name asks for (so that a job over a
 * large table never holds its output whole). Chunks must share one schema. Meant for the stream of
 * an atomic write ({@code AtomicFiles.write}), so a failed job leaves no partial table.
 */
public interface TableSink extends AutoCloseable {

    void append(VectorSchemaRoot chunk) throws IOException;

    /** Finishes the table (Arrow's footer); the stream stays the caller's. */
    @Override
    void close() throws IOException;

    static TableSink of(Path file, OutputStream out, BufferAllocator allocator) {
        return switch (TableFiles.format(file)) {
            case CSV -> new TableSink() {
                boolean header;

                @Override
                public void append(VectorSchemaRoot chunk) throws IOException {
                    if (!header) {
                        out.write(TableFiles.csvHeader(chunk).getBytes(StandardCharsets.UTF_8));
                        header = true;
                    }
                    out.write(TableFiles.csvRows(chunk).getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void close() {
                }
            };
            case JSONL -> new TableSink() {
                @Override
                public void append(VectorSchemaRoot chunk) throws IOException {
                    out.write(TableFiles.toJsonl(chunk).getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void close() {
                }
            };
            case ARROW -> new TableSink() {
                VectorSchemaRoot bound;
                ArrowFileWriter writer;

                @Override
                public void append(VectorSchemaRoot chunk) throws IOException {
                    if (writer == null) {
                        bound = VectorSchemaRoot.create(chunk.getSchema(), allocator);
                        writer = new ArrowFileWriter(bound, null, Channels.newChannel(out));
                        writer.start();
                    }
                    try (ArrowRecordBatch batch = new VectorUnloader(chunk).getRecordBatch()) {
                        new VectorLoader(bound).load(batch);
                        writer.writeBatch();
                    }
                }

                @Override
                public void close() throws IOException {
                    if (writer != null) {
                        try {
                            writer.end();
                        } finally {
                            bound.close();
                        }
                    }
                }
            };
        };
    }
}
