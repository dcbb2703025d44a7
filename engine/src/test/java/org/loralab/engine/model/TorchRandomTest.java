package org.loralab.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TorchRandomTest {

    private static final int DRAWS = 3000;

    private static float[] mask(NDManager m, long seed) {
        try (NDArray ones = m.ones(new Shape(4096)); NDArray d = TorchRandom.dropout(ones, 0.5, seed)) {
            return d.toFloatArray();
        }
    }

    /** The masks of one stream, drawn on this thread while nothing else draws. */
    private static List<float[]> alone(long stream) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int i = 0; i < DRAWS; i++) {
                out.add(mask(m, TorchRandom.seed(stream, i)));
            }
        }
        return out;
    }

    @Test
    void aStreamDrawsTheSameMasksWhileAnotherStreamDraws() throws Exception {
        List<float[]> expectedA = alone(1);
        List<float[]> expectedB = alone(2);
        assertFalse(Arrays.equals(expectedA.get(0), expectedB.get(0)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<float[]>> a = pool.submit(() -> alone(1));
            Future<List<float[]>> b = pool.submit(() -> alone(2));
            List<float[]> gotA = a.get();
            List<float[]> gotB = b.get();
            for (int i = 0; i < DRAWS; i++) {
                assertArrayEquals(expectedA.get(i), gotA.get(i), "stream 1, draw " + i);
                assertArrayEquals(expectedB.get(i), gotB.get(i), "stream 2, draw " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
