package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How to load a model: on which device and in which compute dtype. {@code auto} dtype keeps a
 * bf16/fp16 checkpoint's dtype on the GPU and computes in float32 on the CPU, where bf16 matmuls
 * are slow on most processors.
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
                if (!onDevice.isGpu()) {
                    return DataType.FLOAT32;
                }
                return parse(checkpointDtype == null ? "float32" : checkpointDtype);
            default:
                DataType requested = parse(d);
                if (requested == DataType.BFLOAT16 && !onDevice.isGpu()) {
                    // The DJL 0.35.1 PyTorch JNI aborts the JVM on CPU bf16 tensors.
                    throw new IllegalArgumentException("bfloat16 compute is only available on a GPU; "
                            + "on the CPU use float32 (bf16 checkpoints are widened to float32 exactly)");
                }
                return requested;
        }
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
