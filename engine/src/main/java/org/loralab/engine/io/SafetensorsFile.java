package org.loralab.engine.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
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
        BoundedFiles.requireRegularFile(file); // a FIFO would block the open for ever
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

    /**
     * Parses the header strictly and checks it as the reference (Rust) implementation does: no
     * duplicated names, integral non-negative shapes and offsets, end - begin = elements x dtype
     * size, and the tensors' byte ranges tiling the data area exactly (no holes, no overlaps,
     * nothing left over).
     */
    private static SafetensorsFile parseHeader(Path file, String json, long dataStart, long dataSize) throws IOException {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonReader r = new JsonReader(new StringReader(json));
        r.setStrictness(Strictness.STRICT);
        try (r) {
            r.beginObject();
            boolean sawMetadata = false;
            while (r.hasNext()) {
                String name = r.nextName();
                if ("__metadata__".equals(name)) {
                    if (sawMetadata) {
                        throw new IOException(file + ": the safetensors header has __metadata__ twice");
                    }
                    sawMetadata = true;
                    readMetadata(file, r, metadata);
                    continue;
                }
                if (tensors.containsKey(name)) {
                    throw new IOException(file + ": tensor '" + name + "' appears twice in the safetensors header");
                }
                tensors.put(name, readTensor(file, name, r, dataSize));
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException(file + ": the safetensors header has data after its JSON object");
            }
        } catch (MalformedJsonException e) {
            throw new IOException(file + ": safetensors header is not a valid JSON object: malformed JSON at " + r.getPath(), e);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + ": safetensors header is not a valid JSON object: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": safetensors header is not a valid JSON object: " + e.getMessage(), e);
        }
        requireTiled(file, tensors, dataSize);
        return new SafetensorsFile(file, dataStart, tensors, metadata);
    }

    private static void readMetadata(Path file, JsonReader r, Map<String, String> metadata) throws IOException {
        if (r.peek() == JsonToken.NULL) {
            r.nextNull();
            return;
        }
        try {
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                if (r.peek() != JsonToken.STRING) {
                    throw new IllegalStateException("'" + key + "' is not a string");
                }
                if (metadata.put(key, r.nextString()) != null) {
                    throw new IllegalStateException("'" + key + "' appears twice");
                }
            }
            r.endObject();
        } catch (RuntimeException | IOException bad) {
            throw new IOException(file + ": __metadata__ must map strings to strings: " + bad.getMessage(), bad);
        }
    }

    private static TensorInfo readTensor(Path file, String name, JsonReader r, long dataSize) throws IOException {
        try {
            String dtype = null;
            long[] shape = null;
            long[] offsets = null;
            r.beginObject();
            while (r.hasNext()) {
                String key = r.nextName();
                switch (key) {
                    case "dtype" -> dtype = r.nextString();
                    case "shape" -> shape = readIntegers(r, -1);
                    case "data_offsets" -> offsets = readIntegers(r, 2);
                    default -> r.skipValue(); // the reference implementation ignores other fields too
                }
            }
            r.endObject();
            if (dtype == null || shape == null || offsets == null) {
                throw new IOException("needs dtype, shape and data_offsets");
            }
            int elementBytes = elementBytes(dtype);
            long expected = elementBytes;
            for (long d : shape) {
                expected = Math.multiplyExact(expected, d);
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin || end - begin != expected) {
                throw new IOException("data_offsets [" + begin + ", " + end + "] do not hold " + expected
                        + " bytes of " + dtype + " " + java.util.Arrays.toString(shape));
            }
            if (end > dataSize) {
                throw new IOException("data ends at byte " + end + " but the file holds only " + dataSize
                        + " data bytes (truncated file?)");
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": tensor '" + name + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(file + ": tensor '" + name + "' has a malformed header entry: " + e.getMessage(), e);
        }
    }

    /** A JSON array of non-negative integers written as plain digits (8.9, 1e3, -1 and NaN are refused). */
    private static long[] readIntegers(JsonReader r, int expectedCount) throws IOException {
        java.util.List<Long> values = new java.util.ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw new IOException("expected a non-negative integer, found " + r.peek());
            }
            String text = r.nextString();
            if (!text.matches("[0-9]{1,19}")) {
                throw new IOException("'" + text + "' is not a non-negative integer");
            }
            values.add(Long.parseLong(text));
            if (values.size() > 64) {
                throw new IOException("more than 64 dimensions");
            }
        }
        r.endArray();
        if (expectedCount >= 0 && values.size() != expectedCount) {
            throw new IOException("expected " + expectedCount + " numbers, found " + values.size());
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static int elementBytes(String dtype) throws IOException {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw new IOException("unknown dtype '" + dtype + "'");
        };
    }

    /** The tensors, in offset order, must cover [0, dataSize) exactly once. */
    private static void requireTiled(Path file, Map<String, TensorInfo> tensors, long dataSize) throws IOException {
        java.util.List<TensorInfo> byOffset = new java.util.ArrayList<>(tensors.values());
        byOffset.sort(java.util.Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long next = 0;
        for (TensorInfo t : byOffset) {
            if (t.begin() != next) {
                throw new IOException(file + ": tensor '" + t.name() + "' starts at data byte " + t.begin() + ", expected "
                        + next + (t.begin() < next ? " (it overlaps the tensor before it)" : " (a hole before it)"));
            }
            next = t.end();
        }
        if (next != dataSize) {
            throw new IOException(file + ": the tensors cover " + next + " of the file's " + dataSize
                    + " data bytes (the safetensors buffer must be covered exactly)");
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
     * Reads a tensor's stored bytes, as they are, into {@code target} (a tensor's own memory: the
     * model package loads bf16 tensors this way, with no float32 copy and nothing on the Java heap).
     */
    public void readRaw(String name, ByteBuffer target) throws IOException {
        TensorInfo info = info(name);
        if (target.capacity() != info.end() - info.begin()) {
            throw new IOException(file + ": tensor '" + name + "': buffer of " + target.capacity() + " bytes for "
                    + (info.end() - info.begin()));
        }
        if (info.end() > info.begin()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                readFully(ch, target, dataStart + info.begin());
            }
        }
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
            // Widened in Java: DJL cannot create a bf16 tensor from a buffer (see Bfloat16; the model package reads bf16 as bf16 with readRaw).
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
