package org.loralab.engine.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import org.loralab.engine.model.ModelConfig;

/**
 * The weight matmuls of one batch-1 decode step and nothing else, run by libtorch on arrays of the
 * model's shapes (fused q/k/v, o, fused gate/up, down per layer, then the LM head) in the model's
 * order: the time a step cannot go below with this BLAS. A decode step's time is this plus
 * everything else (attention, norms, rotary, Java and JNI), so the two side by side say how much a
 * change outside the matmuls can still gain, and how much only a faster matrix-vector kernel can.
 */
final class MatmulCeiling {

    /** Milliseconds of one pass over every weight, and the bytes those weights hold. */
    record Result(double msPerStep, long weightBytes) {
        double bytesPerSecond() {
            return weightBytes / (msPerStep / 1e3);
        }
    }

    private MatmulCeiling() {
    }

    static Result decodeStep(ModelConfig c, NDManager parent, DataType dtype) {
        try (NDManager m = parent.newSubManager()) {
            long hidden = c.hiddenSize();
            long qkvRows = (long) (c.numHeads() + 2 * c.numKvHeads()) * c.headDim();
            List<NDArray> weights = new ArrayList<>();
            for (int l = 0; l < c.numLayers(); l++) {
                weights.add(normal(m, dtype, new Shape(qkvRows, hidden)));
                weights.add(normal(m, dtype, new Shape(hidden, (long) c.numHeads() * c.headDim())));
                weights.add(normal(m, dtype, new Shape(2L * c.intermediateSize(), hidden)));
                weights.add(normal(m, dtype, new Shape(hidden, c.intermediateSize())));
            }
            weights.add(normal(m, dtype, new Shape(c.vocabSize(), hidden)));
            long bytes = weights.stream().mapToLong(w -> w.size() * dtype.getNumOfBytes()).sum();
            pass(m, weights, 2); // warm-up: first touch of every page, BLAS set-up
            long t0 = System.nanoTime();
            int passes = 0;
            do {
                pass(m, weights, 1);
                passes++;
            } while (System.nanoTime() - t0 < 1_000_000_000L || passes < 5);
            return new Result((System.nanoTime() - t0) / 1e6 / passes, bytes);
        }
    }

    private static NDArray normal(NDManager m, DataType dtype, Shape shape) {
        return m.randomNormal(0, 1, shape, dtype);
    }

    private static void pass(NDManager m, List<NDArray> weights, int times) {
        for (int i = 0; i < times; i++) {
            try (NDManager step = m.newSubManager()) {
                for (NDArray w : weights) {
                    NDArray x = step.ones(new Shape(1, 1, w.getShape().get(1)), w.getDataType());
                    Linear.linear(x, w).singletonOrThrow().close();
                    x.close();
                }
            }
        }
    }
}
