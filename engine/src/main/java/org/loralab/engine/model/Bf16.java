package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * bfloat16 tensors through DJL 0.35.1, whose PyTorch JNI aborts the JVM whenever a call passes the
 * bf16 dtype to native code: its dtype switch knows DJL's first nine dtypes only and ends in a bare
 * {@code throw;} ("terminate called without an active exception"). That covers
 * {@code create(..., BFLOAT16)}, {@code toType(BFLOAT16)}, {@code zeros(..., BFLOAT16)} and every
 * DJL call that passes an array's own dtype along ({@code toDevice}, {@code softmax},
 * {@code zerosLike}), on a CPU and on a GPU alike; DJL reports a native bf16 tensor's dtype as
 * {@code UNKNOWN}. Operations on tensors that already are bf16 take no dtype and work (matmul,
 * linear, embedding, add, split, concat, {@code toType(FLOAT32)}, in-place copies).
 *
 * <p>The few tensors that must become bf16 are made by a tiny TorchScript module
 * ({@code bf16_ops.pt}, written by {@code src/main/python/make_bf16_ops.py}) that names the dtype
 * inside PyTorch. Its calls record no autograd history: bf16 weights are for inference, and
 * training loads float32 ({@link ModelOptions#forTraining}).
 */
public final class Bf16 {

    private static final String RESOURCE = "bf16_ops.pt";
    private static PtSymbolBlock ops;

    private Bf16() {
    }

    /**
     * The array's dtype. DJL calls a native bf16 tensor UNKNOWN; this engine creates no other dtype
     * DJL cannot name, so UNKNOWN means bf16 here ({@link #isNativeBf16} asks PyTorch itself).
     */
    public static DataType dtypeOf(NDArray x) {
        DataType d = x.getDataType();
        return d == DataType.UNKNOWN ? DataType.BFLOAT16 : d;
    }

    /** Whether PyTorch holds {@code x} as bfloat16 (one native call; for checks and tests). */
    public static boolean isNativeBf16(NDArray x) {
        try (NDArray flag = run("is_bf16", x.getManager(), x)) {
            return flag.toBooleanArray()[0];
        }
    }

    /** {@code x} as {@code dtype}: {@code x} itself when it already is, else a new array in x's manager. */
    public static NDArray cast(NDArray x, DataType dtype) {
        if (dtypeOf(x) == dtype) {
            return x;
        }
        if (dtype != DataType.BFLOAT16) {
            // From bf16 too (DJL passes only the target dtype); kept in the graph while recording.
            return Autograd.cast(x, dtype);
        }
        requireNotRecording();
        NDArray in = dtypeOf(x) == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray out = run("to_bf16", x.getManager(), in);
        if (in != x) {
            in.close();
        }
        return out;
    }

    /** Zeros of {@code shape} in {@code like}'s dtype, device and manager. */
    public static NDArray zeros(Shape shape, NDArray like) {
        if (like.getDataType() != DataType.UNKNOWN) {
            return like.getManager().zeros(shape, like.getDataType(), like.getDevice());
        }
        try (NDArray s = like.getManager().create(shape.getShape())) {
            return run("zeros_as", like.getManager(), s, like);
        }
    }

    /** An uninitialised bf16 array of {@code shape} in {@code manager}, on its device (64-byte aligned, PyTorch-owned). */
    public static NDArray empty(NDManager manager, Shape shape) {
        try (NDArray s = manager.create(shape.getShape())) {
            return run("empty_bf16", manager, s, s);
        }
    }

    /** {@code x} moved to {@code manager}'s device and attached to it (DJL's toDevice would pass the dtype). */
    public static NDArray toDevice(NDArray x, NDManager manager) {
        if (x.getDevice().equals(manager.getDevice())) {
            return x;
        }
        if (x.getDataType() != DataType.UNKNOWN) {
            NDArray moved = x.toDevice(manager.getDevice(), false);
            moved.attach(manager);
            return moved;
        }
        try (NDArray like = manager.create(0L)) {
            NDArray moved = run("to_device_of", manager, x, like);
            return moved;
        }
    }

    private static void requireNotRecording() {
        if (PyTorchInternals.isGradMode()) {
            throw new IllegalStateException("bfloat16 weights are for inference in this engine: autograd through "
                    + "bf16 tensors is not available with DJL 0.35.1; load the model in float32 to train");
        }
    }

    /** Runs a method of the helper module; the result belongs to {@code manager}. */
    private static NDArray run(String method, NDManager manager, NDArray... args) {
        NDList in = new NDList();
        NDList views = new NDList();
        NDArray tag = manager.create(0L); // DJL picks the method by the first input's name and drops that input
        tag.setName("module_method:" + method);
        in.add(tag);
        for (NDArray a : args) {
            if (a.getName() == null) {
                in.add(a);
            } else {
                // DJL reads structure into input names ("a.b" becomes a dict): pass an unnamed view.
                NDArray view = a.reshape(a.getShape());
                views.add(view);
                in.add(view);
            }
        }
        try {
            // isTrain=true: outputs are ordinary tensors (not inference tensors, which refuse in-place writes).
            return PyTorchInternals.forward(module(), in).singletonOrThrow();
        } finally {
            tag.close();
            views.close();
        }
    }

    private static synchronized PtSymbolBlock module() {
        if (ops == null) {
            // Lives as long as the process: a few hundred bytes of TorchScript, shared by every model and thread.
            try (InputStream in = Bf16.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException("the engine jar lacks " + RESOURCE);
                }
                ops = PyTorchInternals.loadModule(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ops;
    }
}
