package org.loralab.engine.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.loralab.engine.io.SafetensorsFile;

/**
 * How big an adapter is: its rank, how many values its LoRA matrices hold, how many of those are
 * non-zero (pruning zeroes values), and how many of its B values are (B starts at zero, so a B that
 * is still all zero means nothing was learned).
 */
public record AdapterSize(int rank, long values, long nonZero, long nonZeroB) {

    public static final AdapterSize NONE = new AdapterSize(0, 0, 0, 0);

    public static AdapterSize of(Path adapter) throws IOException {
        if (adapter == null) {
            return NONE;
        }
        int rank = org.loralab.engine.lora.LoraConfig.load(adapter).r(); // the strict reader: no silent narrowing
        long values = 0;
        long nonZero = 0;
        long nonZeroB = 0;
        SafetensorsFile file = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"));
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : file.tensors().keySet()) {
                NDArray t = file.load(m, name);
                long n = t.countNonzero().getLong();
                values += t.size();
                nonZero += n;
                if (name.contains("lora_B")) {
                    nonZeroB += n;
                }
            }
        }
        return new AdapterSize(rank, values, nonZero, nonZeroB);
    }
}
