package org.loralab.engine.io;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Refuses NaN and infinite values in tensors about to be written or merged (PEFT's safe_merge check). */
public final class FiniteTensors {

    private FiniteTensors() {
    }

    /** @param where what the tensors are (an adapter folder, a merge), for the message */
    public static void require(Map<String, NDArray> tensors, String where) {
        for (Map.Entry<String, NDArray> t : tensors.entrySet()) {
            require(t.getValue(), t.getKey(), where);
        }
    }

    public static void require(NDArray a, String name, String where) {
        boolean bad;
        try (NDArray nan = a.isNaN(); NDArray inf = a.isInfinite(); NDArray either = nan.logicalOr(inf); NDArray any = either.any()) {
            bad = any.getBoolean();
        }
        if (bad) {
            throw new IllegalArgumentException(where + ": tensor '" + name + "' holds NaN or infinite values");
        }
    }
}
