package org.loralab.engine.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file opened for reading: the header is parsed and validated up front, tensor data
 * is memory-mapped on demand, so files larger than 2 GiB and checkpoints larger than the heap load.
 *
 * <p>Format: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape,
 * data_offsets:[begin,end]}, "__metadata__": {str: str}}, then the data; offsets are relative to
 * the end of the header.
 */
public final class SafetensorsFile {

    /** Where one tensor lives in the file. */
    public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {
        public DataType dataType() {
            return DataType.fromSafetensors(dtype);
        }

        public Shape djlShape() {
            return new Shape(shape);
        }
    }

    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path file;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Parses and validates the header of {@code file}; every error names the file. */
    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new IOException(file + ": not a safetensors file (only " + fileSize + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > fileSize) {
                throw new IOException(file + ": invalid safetensors header length " + headerLen
                        + " for a file of " + fileSize + " bytes (truncated or not safetensors)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            String json = new String(headerBuf.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLen;
            return parseHeader(file, json, dataStart, fileSize - dataStart);
        }
    }

    private static SafetensorsFile parseHeader(Path file, String json, long dataStart, long dataSize) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": safetensors header is not a JSON object: " + e.getMessage(), e);
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            String name = e.getKey();
            if ("__metadata__".equals(name)) {
                try {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        JsonElement v = m.getValue();
                        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                            throw new IllegalStateException("'" + m.getKey() + "' is " + v);
                        }
                        metadata.put(m.getKey(), v.getAsString());
                    }
                } catch (RuntimeException bad) {
                    throw new IOException(file + ": __metadata__ must map strings to strings: " + bad.getMessage(), bad);
                }
                continue;
            }
            tensors.put(name, parseTensor(file, name, e.getValue(), dataSize));
        }
        return new SafetensorsFile(file, dataStart, tensors, metadata);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonElement element, long dataSize) throws IOException {
        try {
            JsonObject o = element.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            DataType dataType = DataType.fromSafetensors(dtype);
            var shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new IOException("negative dimension");
                }
                count *= shape[i];
            }
            var offsets = o.getAsJsonArray("data_offsets");
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            long expected = count * dataType.getNumOfBytes();
            if (begin < 0 || end < begin || end - begin != expected) {
                throw new IOException("data_offsets [" + begin + ", " + end + "] do not hold " + expected
                        + " bytes of " + dtype + " " + java.util.Arrays.toString(shape));
            }
            if (end > dataSize) {
                throw new IOException("data ends at byte " + end + " but the file holds only " + dataSize
                        + " data bytes (truncated file?)");
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        } catch (IOException e) {
            throw new IOException(file + ": tensor '" + name + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": tensor '" + name + "' has a malformed header entry: " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "'");
        }
        return info;
    }

    /**
     * Loads one tensor into {@code manager}. On the CPU the array reads straight from the mapped
     * file (no copy); other devices copy it over. bf16 tensors arrive as float32 (exact).
     */
    public NDArray load(NDManager manager, String name) throws IOException {
        TensorInfo info = info(name);
        ByteBuffer data;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = info.end() - info.begin();
            if (length == 0) {
                data = ByteBuffer.allocateDirect(0);
            } else {
                data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), length);
            }
        }
        data.order(ByteOrder.LITTLE_ENDIAN);
        NDArray array;
        if (info.dataType() == DataType.BFLOAT16) {
            // Widened in Java: the PyTorch JNI cannot hold bf16 on the CPU (see Bfloat16).
            // Copied again into PyTorch-owned (64-byte aligned) memory: kernels fed Java buffers
            // of varying alignment gave run-to-run different results.
            NDArray javaBacked = manager.create(Bfloat16.toFloat32(data, info.djlShape().size()), info.djlShape(), DataType.FLOAT32);
            array = javaBacked.duplicate();
            javaBacked.close();
        } else {
            array = manager.create(data, info.djlShape(), info.dataType());
        }
        array.setName(name);
        return array;
    }
}
