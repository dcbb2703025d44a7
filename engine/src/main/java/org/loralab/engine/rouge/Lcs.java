package org.loralab.engine.rouge;

import java.util.BitSet;

/** Longest common subsequences over token ids, as rouge-score computes them. */
final class Lcs {

    private Lcs() {
    }

    /** Length of the LCS in O(min) memory. */
    static int length(int[] ref, int[] can) {
        int[] prev = new int[can.length + 1];
        int[] cur = new int[can.length + 1];
        for (int i = 1; i <= ref.length; i++) {
            int r = ref[i - 1];
            for (int j = 1; j <= can.length; j++) {
                cur[j] = r == can[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[can.length];
    }

    /**
     * Marks in {@code into} the indices of {@code ref} on one LCS with {@code can}, read back the
     * way rouge-score's {@code _backtrack_norec} reads it, so ties break identically.
     */
    static void markLcs(int[] ref, int[] can, BitSet into) {
        int cols = can.length + 1;
        int[] t = new int[(ref.length + 1) * cols];
        for (int i = 1; i <= ref.length; i++) {
            for (int j = 1; j <= can.length; j++) {
                t[i * cols + j] = ref[i - 1] == can[j - 1] ? t[(i - 1) * cols + j - 1] + 1
                        : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
            }
        }
        int i = ref.length;
        int j = can.length;
        while (i > 0 && j > 0) {
            if (ref[i - 1] == can[j - 1]) {
                into.set(i - 1);
                i--;
                j--;
            } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) {
                j--;
            } else {
                i--;
            }
        }
    }
}
