package org.loralab.engine.lora;

import java.util.Random;
import org.loralab.engine.model.NativeArrays;

/**
 * Gaussian noise in every B of an adapter, for benchmarks and tests: LoRA starts B at zero, so a
 * fresh adapter changes nothing and every comparison with the base model would be trivial.
 */
public final class RandomB {

    private RandomB() {
    }

    /** Fills each module's B (in the adapter's module order) from one {@code Random(seed)}, scaled by {@code std}. */
    public static void fill(LoraAdapter adapter, long seed, double std) {
        Random r = new Random(seed);
        for (LoraModule mod : adapter.modules().values()) {
            float[] b = new float[(int) mod.b().getShape().size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextGaussian() * std);
            }
            NativeArrays.assign(mod.b(), b);
        }
    }
}
