package org.loralab.engine.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
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

    /**
     * A reader of {@code file} whose footer has been checked: every record and dictionary batch
     * it declares lies within the file. Arrow allocates a batch's declared size before reading it,
     * so a 1 kB file declaring a 2 GB batch allocated 2 GB before failing. Closing the reader closes the channel.
     */
    static ArrowFileReader open(Path file, BufferAllocator allocator) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator, Lz4ArrowCodec.FACTORY); // LZ4: pyarrow's Feather default
        try {
            long size = ch.size();
            List<ArrowBlock> blocks = new ArrayList<>(reader.getDictionaryBlocks());
            blocks.addAll(reader.getRecordBlocks());
            for (ArrowBlock b : blocks) {
                long offset = b.getOffset();
                long meta = b.getMetadataLength();
                long body = b.getBodyLength();
                if (offset < 0 || meta <= 0 || body < 0 || offset > size || meta > size - offset || body > size - offset - meta) {
                    throw new IOException("a batch at byte " + offset + " declares " + meta + " metadata and " + body
                            + " body bytes, past the end of the " + size + "-byte file");
                }
            }
            for (ArrowBlock b : reader.getRecordBlocks()) {
                requireDecodedWithinLimit(ch, b);
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Sums what the LZ4 buffers of one record batch declare they decode to, read from the file
     * before Arrow decodes any: a small valid LZ4 bomb (16 MB decoding to 4 GB) is refused here
     * (Arrow leaks a batch's decoded buffers when its codec refuses one midway).
     */
    private static void requireDecodedWithinLimit(FileChannel ch, ArrowBlock block) throws IOException {
        ByteBuffer meta = readAt(ch, block.getOffset(), block.getMetadataLength());
        int prefix = meta.getInt(0) == -1 ? 8 : 4; // continuation marker and length, or the pre-1.0 length alone
        Message m = Message.getRootAsMessage(meta.position(prefix).slice().order(ByteOrder.LITTLE_ENDIAN));
        if (m.headerType() != MessageHeader.RecordBatch) {
            return;
        }
        RecordBatch batch = (RecordBatch) m.header(new RecordBatch());
        if (batch.compression() == null) {
            return;
        }
        long limit = Lz4ArrowCodec.maxDecodedBytes();
        long body = block.getOffset() + block.getMetadataLength();
        long total = 0;
        for (int i = 0; i < batch.buffersLength(); i++) {
            Buffer buf = batch.buffers(i);
            if (buf.offset() < 0 || buf.length() < 0 || buf.offset() > block.getBodyLength()
                    || buf.length() > block.getBodyLength() - buf.offset()) {
                throw new IOException("a buffer of the batch at byte " + block.getOffset() + " lies outside its body");
            }
            if (buf.length() >= 8) {
                long declared = readAt(ch, body + buf.offset(), 8).getLong(0);
                if (declared != -1) { // -1: stored uncompressed
                    if (declared < 0 || declared > limit - total) {
                        throw new IOException("the LZ4 buffers of the batch at byte " + block.getOffset() + " declare more than "
                                + limit + " decoded bytes (the limit; the system property loralab.table.maxDecodedBytes raises it)");
                    }
                    total += declared;
                }
            }
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("the file ends inside the batch at byte " + position);
            }
        }
        return b.flip();
    }

    /** Reads every record batch of {@code file} into one table owned by the caller. */
    public static VectorSchemaRoot read(Path file, BufferAllocator allocator) throws IOException {
        try (ArrowFileReader reader = open(file, allocator)) {
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            VectorSchemaRoot all = VectorSchemaRoot.create(batch.getSchema(), allocator);
            try {
                int rows = 0;
                while (reader.loadNextBatch()) {
                    copyRows(batch, 0, all, rows, batch.getRowCount());
                    rows += batch.getRowCount();
                }
                return all;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                all.close(); // what was copied so far goes back to the allocator
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable Arrow IPC file (" + e.getMessage() + ")", e);
        } catch (OutOfMemoryError e) {
            // The partial table is closed above: nothing of this read stays referenced.
            throw TableFiles.outOfMemory(file, e);
        }
    }

}
