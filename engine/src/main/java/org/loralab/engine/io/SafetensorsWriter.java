package org.loralab.engine.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes tensors in the exact layout the Rust {@code safetensors} crate (and so HF transformers and
 * PEFT) writes: names sorted, header padded with spaces to a multiple of 8, optional
 * {@code __metadata__}. The file appears atomically: written to a temporary sibling, then renamed.
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    private static DataType storedType(NDArray array, boolean float32AsBf16) {
        // DJL calls a native bf16 tensor UNKNOWN; the engine makes no other dtype DJL cannot name (see model.Bf16)
        DataType own = array.getDataType() == DataType.UNKNOWN ? DataType.BFLOAT16 : array.getDataType();
        return float32AsBf16 && own == DataType.FLOAT32 ? DataType.BFLOAT16 : own;
    }

    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, false);
    }

    /**
     * As {@link #write(Path, Map, Map)}; with {@code float32AsBf16} every float32 tensor is stored as
     * bf16 (rounded to nearest even), the usual dtype of published checkpoints.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
            boolean float32AsBf16) throws IOException {
        write(file, tensors, metadata, float32AsBf16, (name, array) -> array);
    }

    /**
     * Produces each tensor's data only when it is written: the header is built from {@code tensors}'
     * shapes and dtypes, and {@code produce} may return a new array of the same shape and dtype in
     * place of one (a merged weight, say), which is closed right after it is written. So no more
     * than one produced tensor exists at a time.
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
            boolean float32AsBf16, java.util.function.BiFunction<String, NDArray, NDArray> produce) throws IOException {
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray array = e.getValue();
            DataType stored = storedType(array, float32AsBf16);
            long bytes = array.size() * stored.getNumOfBytes();
            JsonObject t = new JsonObject();
            t.addProperty("dtype", stored.asSafetensors());
            JsonArray shape = new JsonArray();
            for (long d : array.getShape().getShape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }

        AtomicFiles.write(file, out -> {
            try (OutputStream os = new BufferedOutputStream(out, 1 << 20)) {
                os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                os.write(headerBytes);
                for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
                    NDArray declared = e.getValue();
                    NDArray array = produce.apply(e.getKey(), declared);
                    try {
                        if (!array.getShape().equals(declared.getShape()) || storedType(array, float32AsBf16) != storedType(declared, float32AsBf16)) {
                            throw new IllegalStateException(file + ": tensor '" + e.getKey() + "' changed shape or dtype while written");
                        }
                        NDArray onCpu = array.toDevice(ai.djl.Device.cpu(), false);
                        if (storedType(array, float32AsBf16) == DataType.BFLOAT16 && array.getDataType() == DataType.FLOAT32) {
                            os.write(Bfloat16.fromFloat32(onCpu.toFloatArray()));
                        } else {
                            // Native order; safetensors is little-endian, as is every platform we run on.
                            os.write(onCpu.toByteArray());
                        }
                    } finally {
                        if (array != declared) {
                            array.close();
                        }
                    }
                }
            }
        });
    }
}
