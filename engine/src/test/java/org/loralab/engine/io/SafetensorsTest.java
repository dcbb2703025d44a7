package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSafetensorsLayoutAndReadsItBack() throws IOException {
        Path file = dir.resolve("t.safetensors");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("z.weight", m.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3));
            tensors.put("a.bias", m.create(new float[] {0.5f, -1.25f}));
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"), true);

            byte[] bytes = Files.readAllBytes(file);
            long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLen % 8, "header padded to 8 bytes, as the Rust crate does");
            String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
            assertTrue(header.indexOf("\"a.bias\"") < header.indexOf("\"z.weight\""), "names sorted: " + header);
            assertEquals(8 + headerLen + 6 * 2 + 2 * 2, bytes.length, "both tensors stored as bf16");

            SafetensorsFile read = SafetensorsFile.open(file);
            assertEquals("pt", read.metadata().get("format"));
            assertEquals("BF16", read.info("a.bias").dtype());
            NDArray w = read.load(m, "z.weight");
            assertEquals(new Shape(2, 3), w.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            assertArrayEquals(new float[] {0.5f, -1.25f}, read.load(m, "a.bias").toFloatArray());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
        assertEquals((short) 0x3F80, Bfloat16.round(1f + 1f / 256));
        assertEquals((short) 0x3F81, Bfloat16.round(1f + 1f / 256 + 1f / 65536));
        assertEquals((short) 0x3F82, Bfloat16.round(1f + 3f / 256));
        assertTrue(Float.isNaN(Float.intBitsToFloat(Bfloat16.round(Float.NaN) << 16)));
    }

    @Test
    void truncatedFileIsRejectedNamingFileAndTensor() throws IOException {
        Path file = dir.resolve("t.safetensors");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SafetensorsWriter.write(file, Map.of("layer.weight", m.ones(new Shape(4, 4))), Map.of());
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("layer.weight")
                && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void garbageIsRejected() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.writeString(file, "this is not a safetensors file at all");
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
        Files.write(file, new byte[3]);
        assertThrows(IOException.class, () -> SafetensorsFile.open(file));
        byte[] h = "{\"__metadata__\":{\"n\":[1]}}".getBytes(StandardCharsets.UTF_8);
        Files.write(file, ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        IOException meta = assertThrows(IOException.class, () -> SafetensorsFile.open(file));
        assertTrue(meta.getMessage().contains("__metadata__"), meta.getMessage());
    }

    @Test
    void offsetsThatDisagreeWithShapeAreRejected() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Path file = dir.resolve("w.safetensors");
        Files.write(file, buf.array());
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("16 bytes"), e.getMessage());
    }
}
