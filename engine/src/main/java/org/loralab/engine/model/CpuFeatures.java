package org.loralab.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the CPU offers for bf16 arithmetic, read once from {@code /proc/cpuinfo} (Linux; elsewhere: nothing). */
final class CpuFeatures {

    private static final String FLAGS = readFlags();

    private CpuFeatures() {
    }

    /** Whether the CPU computes bf16 natively (AVX512-BF16 or AMX-BF16), so that oneDNN runs bf16 matmuls. */
    static boolean computesBf16() {
        return !bf16Instructions().isEmpty();
    }

    /** "AVX512-BF16", "AMX-BF16", both, or "" when neither is present. */
    static String bf16Instructions() {
        StringBuilder sb = new StringBuilder();
        if (has("avx512_bf16")) {
            sb.append("AVX512-BF16");
        }
        if (has("amx_bf16")) {
            sb.append(sb.length() > 0 ? " and " : "").append("AMX-BF16");
        }
        return sb.toString();
    }

    static boolean has(String flag) {
        return (" " + FLAGS + " ").contains(" " + flag + " ");
    }

    private static String readFlags() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("flags")) {
                    return line.substring(line.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: no bf16 instructions known
        }
        return "";
    }
}
