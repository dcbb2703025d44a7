package org.loralab.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The decoder feeds adapters 2-D rows, but {@code LinearLayer.forward} takes any rank: a LoRA
 * module's update must keep the input's leading axes either way, and both entry points (the plain
 * update and the update folded into an addend) must agree with {@code scaling * x A^T B^T}.
 */
class LoraModuleShapesTest {

    @Test
    void updateKeepsLeadingAxesAndMatchesTheDenseFormula() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            m.getEngine().setRandomSeed(5);
            NDArray a = m.randomNormal(new Shape(2, 4));
            NDArray b = m.randomNormal(new Shape(3, 2));
            LoraModule module = new LoraModule("m", a, b, 1.5, 0, null);
            NDArray x = m.randomNormal(new Shape(2, 3, 4));
            NDArray expected = x.matMul(a.transpose()).matMul(b.transpose()).mul(1.5f);

            NDArray delta = module.delta(x);
            assertEquals(new Shape(2, 3, 3), delta.getShape());
            assertArrayEquals(expected.toFloatArray(), delta.toFloatArray(), 1e-5f, "3-D input");

            NDArray rows = module.delta(x.reshape(6, 4));
            assertArrayEquals(expected.toFloatArray(), rows.toFloatArray(), 1e-5f, "the same rows as 2-D input");

            NDArray addend = m.randomNormal(new Shape(2, 3, 3));
            assertArrayEquals(expected.add(addend).toFloatArray(), module.deltaPlus(x, addend).toFloatArray(), 1e-5f,
                    "the update folded into an addend");
        }
    }
}
