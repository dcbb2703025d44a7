package org.loralab.engine.table;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * Reads LZ4_FRAME-compressed Arrow IPC buffers (pyarrow's default for Feather files). Each buffer
 * is its uncompressed length (int64, -1 when stored raw) followed by an LZ4 frame.
 */
final class Lz4ArrowCodec implements CompressionCodec {

    /** Hands Arrow's reader this codec for LZ4 and refuses ZSTD with a clear message. */
    static final CompressionCodec.Factory FACTORY = new CompressionCodec.Factory() {
        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type) {
            return switch (type) {
                case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
                case LZ4_FRAME -> new Lz4ArrowCodec();
                default -> throw new IllegalArgumentException(type + "-compressed Arrow files are not read; write them with "
                        + "compression='lz4' or 'uncompressed'");
            };
        }

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
            return createCodec(type);
        }
    };

    /**
     * The most bytes the LZ4 buffers of one record batch may decode to, 1 GiB unless the system
     * property {@code loralab.table.maxDecodedBytes} says otherwise: a valid 16 MB LZ4 bomb decodes
     * to 4 GB. Arrow makes a codec per batch, so the count starts again with each batch.
     */
    static long maxDecodedBytes() {
        return Long.getLong("loralab.table.maxDecodedBytes", 1L << 30);
    }

    private long decoded;

    @Override
    public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressed) {
        long size = compressed.writerIndex();
        if (size == 0) {
            compressed.close();
            return allocator.getEmpty();
        }
        long length = compressed.getLong(0);
        if (length == CompressionUtil.NO_COMPRESSION_LENGTH) {
            return CompressionUtil.extractUncompressedBuffer(compressed);
        }
        byte[] out = decode(compressed, size, length);
        ArrowBuf result = allocator.buffer(out.length);
        result.setBytes(0, out);
        result.writerIndex(out.length);
        compressed.close();
        return result;
    }

    private byte[] decode(ArrowBuf compressed, long size, long length) {
        if (length < 0 || length > Integer.MAX_VALUE - 8 || size - 8 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an LZ4 buffer declares " + length + " bytes");
        }
        long limit = maxDecodedBytes();
        if (length > limit - decoded) {
            throw new IllegalArgumentException("the LZ4 buffers of one record batch decode to more than " + limit
                    + " bytes (the limit; the system property loralab.table.maxDecodedBytes raises it)");
        }
        decoded += length;
        byte[] in = new byte[(int) (size - 8)];
        compressed.getBytes(8, in);
        return Lz4Frames.decode(in, (int) length);
    }

    /** Writes stored LZ4 frames: used by tests to make LZ4-compressed files; the engine writes uncompressed Arrow. */
    @Override
    public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressed) {
        byte[] data = new byte[(int) uncompressed.writerIndex()];
        uncompressed.getBytes(0, data);
        byte[] frame = Lz4Frames.storedFrame(data);
        ArrowBuf result = allocator.buffer(8L + frame.length);
        result.setLong(0, data.length);
        result.setBytes(8, frame);
        result.writerIndex(8L + frame.length);
        uncompressed.close();
        return result;
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
        return CompressionUtil.CodecType.LZ4_FRAME;
    }
}
