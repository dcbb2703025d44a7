package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.core.Linear;

/**
 * Projections that read the same input (q/k/v, gate/up) run as one matmul over their weights
 * stacked by output row. The parts stay separate {@link LinearLayer}s for adapters, merging and
 * saving: at construction each part's weight becomes a view of its rows of the stacked weight (no
 * second copy), and each part's own adapter is added to its own slice of the output. When a part's
 * weight is replaced (a LoRA merge) the stack is rebuilt from the parts before the next forward.
 * Each instance belongs to one layer of one model; a job's view of a cached model has its own
 * instance over the cached stack (see {@link CausalLM#view}).
 */
final class FusedLinear {

    private final LinearLayer[] parts;
    private final long[] offsets; // output column where each part starts, then the total
    private NDArray weight; // (sum of outs, in)
    private NDArray bias; // (sum of outs) or null
    private final NDArray[] builtFrom; // the part weights the stack was built from

    FusedLinear(LinearLayer... parts) {
        this.parts = parts.clone();
        this.offsets = new long[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            offsets[i + 1] = offsets[i] + parts[i].outFeatures();
        }
        this.builtFrom = new NDArray[parts.length];
        stack();
        for (int i = 0; i < parts.length; i++) {
            NDArray view = Views.narrow(weight, 0, offsets[i], offsets[i + 1]);
            NDScope.unregister(view);
            view.setName(parts[i].weight().getName());
            parts[i].replaceWeight(view).close();
            builtFrom[i] = view;
        }
    }

    /** The same stacked arrays under a job's own parts (views of a cached model's layer); never rebuilt, the parts being read-only. */
    FusedLinear(FusedLinear base, LinearLayer... viewParts) {
        this.parts = viewParts.clone();
        this.offsets = base.offsets;
        NDArray[] wb = base.current();
        this.weight = wb[0];
        this.bias = wb[1];
        this.builtFrom = new NDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            builtFrom[i] = parts[i].weight();
        }
    }

    private void stack() {
        NDList w = new NDList();
        NDList b = new NDList();
        for (int i = 0; i < parts.length; i++) {
            w.add(parts[i].weight());
            if (parts[i].bias() != null) {
                b.add(parts[i].bias());
            }
            builtFrom[i] = parts[i].weight();
        }
        weight = NDArrays.concat(w, 0);
        bias = b.isEmpty() ? null : NDArrays.concat(b, 0);
        // Built inside a forward pass's scope when refreshed: the stack lives as long as the model.
        NDScope.unregister(weight);
        if (bias != null) {
            NDScope.unregister(bias);
        }
    }

    /** The stack, rebuilt first if a part's weight was replaced since; a consistent pair for this call. */
    private synchronized NDArray[] current() {
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].weight() != builtFrom[i]) {
                // The old stack may still back part weights kept for unmerging: only our handle goes.
                weight.close();
                if (bias != null) {
                    bias.close();
                }
                stack();
                break;
            }
        }
        return new NDArray[] {weight, bias};
    }

    /** The stacked weight and bias (null if none): the arrays the parts' weights are views of, for full training. */
    NDArray[] leaves() {
        return current();
    }

    /** Start of part {@code i}'s columns in {@link #forward}'s output; {@code offset(parts)} is the width. */
    long offset(int i) {
        return offsets[i];
    }

    /** Zeros shaped like the input {@code x} but {@code width} wide on the last axis: the update of a part without adapter. */
    private static NDArray zeros(NDArray x, long width) {
        ai.djl.ndarray.types.Shape s = x.getShape();
        return Bf16.zeros(s.slice(0, s.dimension() - 1).add(width), x);
    }

    /** All parts' outputs side by side on the last axis, each with its own adapter's update added. */
    NDArray forward(NDArray x) {
        NDArray[] wb = current();
        boolean adapted = false;
        for (LinearLayer p : parts) {
            adapted |= p.adapter() != null;
        }
        if (!adapted) {
            return wb[1] == null ? Linear.linear(x, wb[0]).singletonOrThrow() : Linear.linear(x, wb[0], wb[1]).singletonOrThrow();
        }
        // The updates side by side, added inside the matmul (LinearLayer.linearPlus). Adding each
        // to its slice of the output and concatenating the slices would cost a full-width
        // zero-filled gradient per slice in the backward pass.
        NDList deltas = new NDList();
        for (int i = 0; i < parts.length; i++) {
            LinearLayer.Adapter a = parts[i].adapter();
            deltas.add(a != null ? a.delta(x) : zeros(x, offsets[i + 1] - offsets[i]));
        }
        NDArray addend = NDArrays.concat(deltas, -1);
        if (wb[1] != null) {
            addend = addend.add(wb[1]);
        }
        return LinearLayer.linearPlus(x, wb[0], addend);
    }
}
