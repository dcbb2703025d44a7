package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How to load a model: on which device and in which compute dtype. {@code auto} keeps the
 * checkpoint's dtype wherever the device computes in it: a bf16/fp16 checkpoint stays as stored on
 * a GPU, and a bf16 checkpoint stays bf16 on a CPU with bf16 instructions (AVX512-BF16 or AMX),
 * where oneDNN runs bf16 matmuls natively (half the memory of float32 and, for more than one row,
 * faster). Other CPUs would emulate bf16, so there {@code auto} widens it to float32 (exact).
 * RMSNorm, softmax and the logits run in float32 whatever the weights' dtype.
 */
public record ModelOptions(String device, String dtype) {

    public static ModelOptions defaults() {
        return new ModelOptions("auto", "auto");
    }

    public Device resolveDevice() {
        return DeviceChoice.resolve(device);
    }

    public DataType resolveDtype(Device onDevice, String checkpointDtype) {
        String d = dtype == null ? "auto" : dtype.toLowerCase(Locale.ROOT);
        switch (d) {
            case "auto":
                DataType stored = parse(checkpointDtype == null ? "float32" : checkpointDtype);
                if (onDevice.isGpu()) {
                    return stored;
                }
                // reproducible mode: float32 everywhere, as bf16 is computed only where the CPU has the instructions
                return stored == DataType.BFLOAT16 && CpuFeatures.computesBf16() && !NativeSettings.reproducible()
                        ? DataType.BFLOAT16 : DataType.FLOAT32;
            default:
                return parse(d); // bf16 on any CPU is allowed when asked for (Bf16 makes it safe with DJL)
        }
    }

    /**
     * These options for training: {@code auto} loads float32 (autograd through bf16 tensors is not
     * available with DJL 0.35.1, see {@link Bf16}); an explicit dtype stays.
     */
    public ModelOptions forTraining() {
        return dtype == null || "auto".equalsIgnoreCase(dtype) ? new ModelOptions(device, "float32") : this;
    }

    /** Why {@code chosen} was picked, for the engine line: "weights bfloat16 (as stored; this CPU computes in bf16)". */
    public String explainDtype(Device onDevice, String checkpointDtype, DataType chosen) {
        String name = chosen.name().toLowerCase(Locale.ROOT);
        String stored = checkpointDtype == null ? "float32" : checkpointDtype.toLowerCase(Locale.ROOT);
        boolean asStored = parse(stored) == chosen;
        String why;
        if (dtype != null && !"auto".equalsIgnoreCase(dtype)) {
            why = "asked for with --dtype " + dtype;
        } else if (onDevice.isGpu()) {
            why = "as stored";
        } else if (chosen == DataType.BFLOAT16) {
            why = "as stored; this CPU has " + CpuFeatures.bf16Instructions() + ", so it computes in bf16";
        } else if (parse(stored) == DataType.BFLOAT16 && NativeSettings.reproducible()) {
            why = "widened from bfloat16: reproducible mode computes in float32 on every CPU";
        } else if (parse(stored) == DataType.BFLOAT16) {
            why = "widened from bfloat16: this CPU has no bf16 instructions (AVX512-BF16/AMX), bf16 would be emulated";
        } else {
            why = asStored ? "as stored" : "widened from " + stored + " on the CPU";
        }
        return "weights " + name + " (" + why + ")";
    }

    private static DataType parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "float32":
            case "fp32":
                return DataType.FLOAT32;
            case "bfloat16":
            case "bf16":
                return DataType.BFLOAT16;
            case "float16":
            case "fp16":
                return DataType.FLOAT16;
            default:
                throw new IllegalArgumentException("unsupported dtype '" + name + "' (use auto, float32, bfloat16, float16)");
        }
    }
}
