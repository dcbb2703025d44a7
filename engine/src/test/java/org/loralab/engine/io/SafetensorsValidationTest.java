package org.loralab.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference implementation's header checks, plus a fuzz of random and mutated headers. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        Path f = dir.resolve("t.safetensors");
        Files.write(f, buf.array());
        return f;
    }

    private void rejected(String header, int dataBytes, String why) throws IOException {
        Path f = file(header, dataBytes);
        IOException e = assertThrows(IOException.class, () -> SafetensorsFile.open(f), header);
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains(why), e.getMessage());
    }

    private static String tensor(String name, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void theReferenceChecksAreApplied() throws IOException {
        rejected("{" + tensor("a", "[2]", 0, 8) + "," + tensor("b", "[2]", 4, 12) + "}", 12, "overlaps");
        rejected("{" + tensor("a", "[2]", 0, 8) + "," + tensor("b", "[2]", 12, 20) + "}", 20, "hole");
        rejected("{" + tensor("a", "[2]", 0, 8) + "," + tensor("a", "[2]", 8, 16) + "}", 16, "appears twice");
        rejected("{" + tensor("a", "[2]", 0, 8) + "}", 16, "covered exactly");
        rejected("{" + tensor("a", "[2.9]", 0, 8) + "}", 8, "not a non-negative integer");
        rejected("{" + tensor("a", "[4294967298]", 0, 8) + "}", 8, "do not hold");
        rejected("{" + tensor("a", "[NaN]", 0, 8) + "}", 8, "not a valid JSON");
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", 8, "not a valid JSON");
        rejected("{" + tensor("a", "[2]", 0, 8) + "} {}", 8, "not a valid JSON");
        rejected("{" + tensor("a", "[3037000500,3037000500]", 0, 8) + "}", 8, "malformed");
        // a well-formed file is still read, padding spaces and all
        assertEquals(2, SafetensorsFile.open(file("{" + tensor("a", "[2]", 0, 8) + "," + tensor("b", "[1,1]", 8, 12) + "}   ", 12))
                .tensors().size());
    }

    /**
     * Random headers and byte-level mutations of valid ones: open either refuses with an
     * IOException naming the file, or returns tensors that tile the data area exactly.
     */
    @Test
    void fuzzedHeadersAreRefusedCleanlyOrConsistent() throws IOException {
        Random rnd = new Random(17);
        int accepted = 0;
        for (int round = 0; round < 3000; round++) {
            int n = 1 + rnd.nextInt(4);
            StringBuilder h = new StringBuilder("{");
            long offset = 0;
            for (int i = 0; i < n; i++) {
                int len = rnd.nextInt(4);
                long begin = rnd.nextInt(5) == 0 ? offset + rnd.nextInt(9) - 4 : offset;
                long end = begin + 4L * len + (rnd.nextInt(6) == 0 ? rnd.nextInt(5) - 2 : 0);
                String name = rnd.nextInt(8) == 0 && i > 0 ? "t0" : "t" + i;
                h.append(i > 0 ? "," : "").append(tensor(name, "[" + len + "]", begin, end));
                offset = end;
            }
            h.append("}");
            String header = h.toString();
            if (rnd.nextBoolean()) {
                char[] c = header.toCharArray();
                for (int k = rnd.nextInt(3); k >= 0; k--) {
                    c[rnd.nextInt(c.length)] = "{}[],:\"0123456789.-eE aN".charAt(rnd.nextInt(24));
                }
                header = new String(c);
            }
            int dataBytes = (int) Math.max(0, Math.min(64, offset + (rnd.nextInt(4) == 0 ? rnd.nextInt(9) - 4 : 0)));
            Path f = file(header, dataBytes);
            SafetensorsFile st;
            try {
                st = SafetensorsFile.open(f);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("t.safetensors"), e.getMessage());
                continue;
            } catch (RuntimeException | Error e) {
                fail("header " + header + " threw " + e);
                return;
            }
            accepted++;
            List<SafetensorsFile.TensorInfo> ts = new ArrayList<>(st.tensors().values());
            ts.sort(Comparator.comparingLong(SafetensorsFile.TensorInfo::begin).thenComparingLong(SafetensorsFile.TensorInfo::end));
            long next = 0;
            for (SafetensorsFile.TensorInfo t : ts) {
                assertEquals(next, t.begin(), header);
                long elements = 1;
                for (long d : t.shape()) {
                    elements *= d;
                }
                assertEquals(4 * elements, t.end() - t.begin(), header);
                next = t.end();
            }
            assertEquals(dataBytes, next, header);
            assertEquals(header.chars().filter(ch -> ch == 'd').count() / 2, ts.size(), "no tensor dropped: " + header);
        }
        assertTrue(accepted > 100, "the fuzz also reaches valid files: " + accepted);
    }
}
