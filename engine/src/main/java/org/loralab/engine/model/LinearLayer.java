package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * One frozen projection {@code y = x W^T + b} named by its HF module path (for example
 * {@code model.layers.0.self_attn.q_proj}), with an optional adapter whose output is added: the
 * hook through which LoRA attaches without touching the base weights.
 */
public final class LinearLayer {

    /** Something added to a linear layer's output, such as a LoRA update. */
    @FunctionalInterface
    public interface Adapter {
        NDArray delta(NDArray input);

        /** {@code addend + delta(input)}; an adapter may fold the add into its last matmul. */
        default NDArray deltaPlus(NDArray input, NDArray addend) {
            return addend.add(delta(input));
        }
    }

    private final String modulePath;
    private NDArray weight;
    private final NDArray bias;
    private Adapter adapter;
    private boolean weightReadOnly; // reads straight from a read-only mapping of the checkpoint file
    private final boolean shared; // a job's view of a cached model's weights, which other jobs read at the same time

    private static final java.util.regex.Pattern LAYER = java.util.regex.Pattern.compile("\\.layers\\.(\\d+)\\.");

    /** The decoder layer index in an HF module path (model.layers.3.mlp.up_proj → 3), or -1 when it has none. */
    public static int layerIndex(String modulePath) {
        java.util.regex.Matcher m = LAYER.matcher(modulePath + ".");
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    public LinearLayer(String modulePath, NDArray weight, NDArray bias) {
        this(modulePath, weight, bias, false);
    }

    private LinearLayer(String modulePath, NDArray weight, NDArray bias, boolean shared) {
        this.modulePath = modulePath;
        this.weight = weight;
        this.bias = bias;
        this.shared = shared;
    }

    /**
     * A layer of its own (adapter hook) over the same weight and bias arrays, for one job's view of
     * a cached model: the arrays cannot be replaced or written through it.
     */
    LinearLayer sharedView() {
        return new LinearLayer(modulePath, weight, bias, true);
    }

    /** Whether the weight is shared with other jobs (a cached model's), hence read-only. */
    public boolean isShared() {
        return shared;
    }

    private void requireOwnWeight() {
        if (shared) {
            throw new IllegalStateException(modulePath + ": the weight belongs to a cached model that other jobs share; "
                    + "attach the adapter instead of merging it, or load a model of the job's own");
        }
    }

    public NDArray forward(NDArray x) {
        NDArray y = bias == null ? Linear.linear(x, weight).singletonOrThrow()
                : Linear.linear(x, weight, bias).singletonOrThrow();
        return adapter == null ? y : y.add(adapter.delta(x));
    }

    /**
     * {@code addend + forward(x)}, for a residual connection: the adds happen inside the matmuls
     * (see {@link #linearPlus}), so neither the residual nor the adapter's update costs a
     * full-width add of its own.
     */
    public NDArray forwardPlus(NDArray x, NDArray addend) {
        NDArray sum = bias == null ? addend : addend.add(bias);
        if (adapter != null) {
            sum = adapter.deltaPlus(x, sum);
        }
        return linearPlus(x, weight, sum);
    }

    /**
     * {@code addend + x W^T} as one GEMM: on 2-D input libtorch's linear is {@code addmm}, whose
     * "+ C" is part of the BLAS call. {@code addend} has the output's shape.
     */
    public static NDArray linearPlus(NDArray x, NDArray weight, NDArray addend) {
        Shape in = x.getShape();
        if (in.dimension() == 2 && addend.getShape().dimension() == 2) {
            return Linear.linear(x, weight, addend).singletonOrThrow();
        }
        long width = in.getLastDimension();
        long rows = in.size() / width;
        long out = weight.getShape().get(0);
        NDArray y = Linear.linear(x.reshape(rows, width), weight, addend.reshape(rows, out)).singletonOrThrow();
        return y.reshape(in.slice(0, in.dimension() - 1).add(out));
    }

    public String modulePath() {
        return modulePath;
    }

    /** The weight as stored by HF: shape (out_features, in_features). */
    public NDArray weight() {
        return weight;
    }

    /**
     * Swaps in a new weight of the same shape, returning the old one for the caller to close or
     * keep. The new weight is the layer's own (writable) memory.
     */
    public NDArray replaceWeight(NDArray newWeight) {
        requireOwnWeight();
        if (!newWeight.getShape().equals(weight.getShape())) {
            throw new IllegalArgumentException(modulePath + ": new weight has shape " + newWeight.getShape()
                    + ", expected " + weight.getShape());
        }
        NDArray old = weight;
        weight = newWeight;
        weightReadOnly = false;
        return old;
    }

    /** The loader says the weight reads straight from the read-only mapped checkpoint file. */
    void markWeightReadOnly() {
        weightReadOnly = true;
    }

    /**
     * {@code weight += delta} (delta of any float dtype, the sum rounded once to the weight's dtype):
     * in place, so a fused q/k/v or gate/up part, a view of its stacked weight, updates the stack and
     * nothing is held twice. A weight that reads from the read-only mapped file cannot be written; it
     * is replaced by an owned merged copy and its mapping released.
     */
    public void addToWeight(NDArray delta) {
        requireOwnWeight();
        if (!delta.getShape().equals(weight.getShape())) {
            throw new IllegalArgumentException(modulePath + ": update has shape " + delta.getShape() + ", expected " + weight.getShape());
        }
        if (!weightReadOnly) {
            weight.addi(delta);
            return;
        }
        NDArray sum = weight.add(delta);
        NDArray merged = Bf16.cast(sum, Bf16.dtypeOf(weight));
        if (merged != sum) {
            sum.close();
        }
        ai.djl.ndarray.NDScope.unregister(merged);
        merged.setName(weight.getName());
        replaceWeight(merged).close();
    }

    public NDArray bias() {
        return bias;
    }

    public Adapter adapter() {
        return adapter;
    }

    public void setAdapter(Adapter adapter) {
        this.adapter = adapter;
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
