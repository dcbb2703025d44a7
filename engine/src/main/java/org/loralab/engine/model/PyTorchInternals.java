package org.loralab.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The one place that calls DJL's internal PyTorch bindings ({@code JniUtils}, {@code IValueUtils},
 * the {@code Pt*} classes): grad mode, backward, the RNG seed, thread count, in-place views and
 * writes, TorchScript modules and a tensor's own memory. DJL does not promise these across
 * versions; an upgrade of DJL is checked here.
 */
public final class PyTorchInternals {

    private PyTorchInternals() {
    }

    /** Whether operations on this thread are recorded (loads the native library on first use). */
    public static boolean isGradMode() {
        Engine.getEngine("PyTorch");
        return JniUtils.isGradMode();
    }

    /** Sets this thread's grad mode (PyTorch keeps it per thread). */
    public static void setGradMode(boolean on) {
        Engine.getEngine("PyTorch");
        JniUtils.setGradMode(on);
    }

    /** Vector-Jacobian product of {@code gradient} from {@code output} into the leaves' gradients. */
    public static void backward(NDArray output, NDArray gradient) {
        JniUtils.backward((PtNDArray) output, (PtNDArray) gradient, false, false);
    }

    public static boolean requiresGrad(NDArray leaf) {
        return JniUtils.requiresGrad((PtNDArray) leaf);
    }

    /** Seeds PyTorch's global generator (one per process: callers serialise). */
    public static void setSeed(long seed) {
        Engine.getEngine("PyTorch");
        JniUtils.setSeed(seed);
    }

    public static int numThreads() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    public static void setNumThreads(int threads) {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    /** {@code buffer[min:max:step] = added} in place. */
    public static void indexSet(NDArray buffer, NDArray added, long[] min, long[] max, long[] step) {
        JniUtils.indexSet((PtNDArray) buffer, (PtNDArray) added, min, max, step);
    }

    /** Elements [from, to) of {@code axis}, a view. */
    public static NDArray slice(NDArray x, int axis, long from, long to) {
        return JniUtils.slice((PtNDArray) x, axis, from, to, 1);
    }

    /** The tensor's own memory as a direct buffer (writes go to the tensor). */
    public static ByteBuffer memoryOf(NDArray x) {
        return JniUtils.getByteBuffer((PtNDArray) x, true);
    }

    /** A TorchScript module, held by a manager of its own for the life of the process. */
    public static PtSymbolBlock loadModule(InputStream in) throws IOException {
        PtNDManager holder = (PtNDManager) NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
        try {
            return JniUtils.loadModule(holder, in, false, false);
        } catch (IOException | RuntimeException e) {
            holder.close();
            throw e;
        }
    }

    /** Runs a module's forward (or the method its first input names) with outputs that allow in-place writes. */
    public static NDList forward(PtSymbolBlock module, NDList in) {
        return IValueUtils.forward(module, in, true);
    }

    public static void startProfile() {
        JniUtils.startProfile(false, false, false);
    }

    public static void stopProfile(String traceFile) {
        JniUtils.stopProfile(traceFile);
    }
}
