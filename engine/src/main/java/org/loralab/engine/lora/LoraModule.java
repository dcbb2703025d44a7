package org.loralab.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import org.loralab.engine.model.Bf16;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.LinearLayer;
import org.loralab.engine.model.NativeArrays;
import org.loralab.engine.model.TorchRandom;

/**
 * The update one LoRA pair adds to a frozen linear layer:
 * {@code delta(x) = scaling * B (A dropout(x))}, A of shape (r, in) and B of shape (out, r), as
 * PEFT's {@code lora.Linear}. With a task-aware filter (LoRA-TRF, see {@link TaskFilter}) the
 * rank-space activation is gated first: {@code z = A x; delta = scaling * B (gate(z) * z)}.
 * Computed in float32 whatever the base dtype, as PEFT keeps adapter weights in float32.
 */
public final class LoraModule implements LinearLayer.Adapter {

    private final String modulePath;
    private NDArray a;
    private NDArray b;
    private final double scaling;
    private final double dropout;
    private final TaskFilter filter;
    private DropoutSeeds dropoutSeeds; // non-null while training

    LoraModule(String modulePath, NDArray a, NDArray b, double scaling, double dropout, TaskFilter filter) {
        this.modulePath = modulePath;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
        this.filter = filter;
    }

    @Override
    public NDArray delta(NDArray x) {
        NDArray out = Linear.linear(scaledRankActivation(x), b).singletonOrThrow();
        return Bf16.cast(out, Bf16.dtypeOf(x));
    }

    /** {@code addend + delta(x)} with the add inside the B matmul, when everything is float32. */
    @Override
    public NDArray deltaPlus(NDArray x, NDArray addend) {
        if (x.getDataType() != DataType.FLOAT32 || addend.getDataType() != DataType.FLOAT32) {
            return addend.add(delta(x));
        }
        return LinearLayer.linearPlus(scaledRankActivation(x), b, addend);
    }

    /**
     * {@code scaling * gate(A dropout(x))} in float32, (..., r). Scaled in rank space (r wide)
     * rather than on the output (out wide): the same product, fewer elements.
     */
    private NDArray scaledRankActivation(NDArray x) {
        NDArray in = Autograd.cast(x, DataType.FLOAT32);
        if (dropoutSeeds != null && dropout > 0) {
            in = TorchRandom.dropout(in, dropout, dropoutSeeds.next());
        }
        NDArray z = rankProjection(in);
        if (filter != null) {
            z = filter.apply(z);
        }
        return NativeArrays.times(z, scaling);
    }

    /**
     * {@code x A^T}, (..., r), computed as {@code (A x^T)^T}. The product is the same; what changes is
     * the gradient autograd derives for A: {@code dz^T x} instead of {@code x^T dz}, and the MKL in
     * DJL's libtorch runs the latter 7-10x slower on these skinny shapes (1,024 x 512..2,816 by r = 8:
     * 1.6-6.1 ms against 0.2-0.9 ms on one thread; {@code bench train} shows the step).
     */
    private NDArray rankProjection(NDArray x) {
        ai.djl.ndarray.types.Shape s = x.getShape();
        if (s.dimension() == 2) {
            return a.matMul(x.transpose()).transpose(); // (rows, r)
        }
        NDArray z = a.matMul(x.reshape(-1, s.getLastDimension()).transpose()).transpose();
        return z.reshape(s.slice(0, s.dimension() - 1).add(a.getShape().get(0)));
    }

    /** The dense update {@code scaling * B A} of shape (out, in); only exact without a filter. */
    public NDArray deltaWeight() {
        if (filter != null) {
            throw new IllegalStateException(modulePath + ": a LoRA-TRF module's gate depends on the input, so it cannot be merged into the weight");
        }
        return b.matMul(a).mul(scaling);
    }

    public String modulePath() {
        return modulePath;
    }

    public NDArray a() {
        return a;
    }

    public NDArray b() {
        return b;
    }

    /** Replaces A and B (same shapes), e.g. after a merge or pruning step. */
    void setWeights(NDArray newA, NDArray newB) {
        a = newA;
        b = newB;
    }

    public int rank() {
        return (int) a.getShape().get(0);
    }

    public double scaling() {
        return scaling;
    }

    public TaskFilter filter() {
        return filter;
    }

    /** Training mode with masks from {@code seeds}, or inference mode for null. */
    void setTraining(DropoutSeeds seeds) {
        dropoutSeeds = seeds;
    }

    /** The task-aware filter of LoRA-TRF: a learned gate on the r-dimensional LoRA activation. */
    public static final class TaskFilter {
        final NDArray weight; // (r, r), starts at zero
        final NDArray bias; // (r), starts at zero

        TaskFilter(NDArray weight, NDArray bias) {
            this.weight = weight;
            this.bias = bias;
        }

        /** {@code z * 2 sigmoid(W z + c)}: the identity at initialisation, so training starts as plain LoRA. */
        NDArray apply(NDArray z) {
            NDArray gate = NativeArrays.times(Activation.sigmoid(Linear.linear(z, weight, bias).singletonOrThrow()), 2);
            return z.mul(gate);
        }

        public NDArray weight() {
            return weight;
        }

        public NDArray bias() {
            return bias;
        }
    }
}
