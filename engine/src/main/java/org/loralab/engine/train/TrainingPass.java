package org.loralab.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.loralab.engine.lora.LoraAdapter;
import org.loralab.engine.model.Autograd;
import org.loralab.engine.model.CausalLM;

/**
 * Forward and backward of one batch without ever holding the full logits and, with activation
 * checkpointing, without holding more than one decoder layer's activations.
 *
 * <p>DJL's autograd has no custom backward functions, so both are built from vector-Jacobian
 * products ({@link Autograd#backward(NDArray, NDArray)}) at cut points where the graph is
 * detached: the final hidden states of the target rows are cut from the stack, and the loss over
 * the vocabulary is computed and back-propagated one chunk of rows at a time into the cut (as
 * Liger-Kernel's fused linear cross-entropy does); the cut's gradient is then back-propagated
 * through the stack. With checkpointing, the stack runs without recording, keeping each layer's
 * input; backward then goes layer by layer from the top, recomputing the layer with recording and
 * back-propagating the gradient of its output into its input. Gradients accumulate into the
 * leaves (LoRA arrays, or every weight in full training) across these calls, as in one backward.
 */
final class TrainingPass {

    private final CausalLM model;
    private final LossFunction loss;
    private final LoraAdapter dropout; // null when no LoRA dropout can be active

    TrainingPass(CausalLM model, LossFunction loss, LoraAdapter dropout) {
        this.model = model;
        this.loss = loss;
        this.dropout = dropout;
    }

    /**
     * Accumulates {@code scale} times the gradient of the batch's summed loss into the leaves that
     * require one; returns the summed loss. A non-finite loss is returned before anything is
     * back-propagated through the stack. Call with grad mode on.
     */
    double run(LossFunction.Batch batch, double scale, boolean checkpointing) {
        try (NDScope scope = new NDScope()) {
            CausalLM.LayerInputs in = model.layerInputs(batch.positions(), batch.keyMask());
            scope.suppressNotUsedWarning();
            return checkpointing ? checkpointed(batch, in, scale) : recorded(batch, in, scale);
        }
    }

    /** The whole stack recorded at once; only the logits are chunked. */
    private double recorded(LossFunction.Batch batch, CausalLM.LayerInputs in, double scale) {
        NDArray stream = model.embed(batch.ids());
        for (int l = 0; l < model.layers().size(); l++) {
            NDArray next = model.layerForward(l, stream, in);
            stream.close(); // the handle only: autograd keeps what backward needs
            stream = next;
        }
        try (NDArray top = stream) {
            return headBackward(top, batch, scale);
        }
    }

    /** Layer inputs kept without a graph; each layer recomputed with one while going down. */
    private double checkpointed(LossFunction.Batch batch, CausalLM.LayerInputs in, double scale) {
        List<org.loralab.engine.model.DecoderLayer> layers = model.layers();
        NDArray[] inputs = new NDArray[layers.size()];
        long[] dropoutAt = new long[layers.size()];
        NDArray top;
        try (Autograd.Scope noGrad = Autograd.inference()) {
            NDArray stream = model.embed(batch.ids());
            NDScope.unregister(stream);
            for (int l = 0; l < layers.size(); l++) {
                inputs[l] = stream;
                dropoutAt[l] = dropout == null ? 0 : dropout.dropoutPosition();
                stream = model.layerForward(l, stream, in);
            }
            top = stream;
        }
        NDArray upstream = null;
        try {
            top.setRequiresGradient(true);
            double value = headBackward(top, batch, scale);
            if (!Double.isFinite(value)) {
                return value;
            }
            upstream = top.getGradient();
            for (int l = layers.size() - 1; l >= 0; l--) {
                if (dropout != null) {
                    dropout.rewindDropout(dropoutAt[l]); // the same masks as in the forward above
                }
                NDArray input = inputs[l];
                input.setRequiresGradient(true);
                try (NDArray out = model.layerForward(l, input, in)) {
                    Autograd.backward(out, upstream);
                }
                upstream.close();
                upstream = input.getGradient();
                input.close();
                inputs[l] = null;
            }
            // Full training: the embedding is trained too (tied, it is also the LM head).
            if (Autograd.requiresGradient(model.trainableLeaves().get("model.embed_tokens.weight"))) {
                try (NDScope scope = new NDScope()) {
                    Autograd.backward(model.embed(batch.ids()), upstream);
                    scope.suppressNotUsedWarning();
                }
            }
            return value;
        } finally {
            top.close();
            if (upstream != null) {
                upstream.close();
            }
            for (NDArray a : inputs) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /**
     * From the top of the stack (b * t, hidden), recorded: the chunked loss of the target rows,
     * back-propagated into the stack. Returns the summed loss.
     */
    private double headBackward(NDArray top, LossFunction.Batch batch, double scale) {
        try (NDScope scope = new NDScope()) {
            NDArray hidden = model.finalHidden(LossFunction.targetRows(top, batch.rows()));
            NDScope.register(hidden);
            NDArray cut = hidden.stopGradient(); // the graph ends here; chunks back-propagate into it
            cut.setRequiresGradient(true);
            double value = 0;
            long n = batch.targetTokens();
            for (long from = 0; from < n; from += loss.chunkRows()) {
                try (NDArray part = loss.chunkLoss(cut, batch.rowTargets(), from, Math.min(from + loss.chunkRows(), n));
                        NDArray seed = scaled(part, scale)) {
                    value += part.getFloat();
                    Autograd.backward(part, seed); // frees this chunk's logits and their softmax
                }
            }
            if (!Double.isFinite(value)) {
                return value;
            }
            NDArray grad = n == 0 ? cut.zerosLike() : cut.getGradient();
            Autograd.backward(hidden, grad);
            grad.close();
            return value;
        }
    }

    private static NDArray scaled(NDArray scalar, double scale) {
        return scalar.getManager().full(scalar.getShape(), (float) scale, scalar.getDataType());
    }
}
