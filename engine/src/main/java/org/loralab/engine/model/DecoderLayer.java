package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/** One pre-norm transformer block: grouped-query self-attention then a SwiGLU MLP. */
public final class DecoderLayer {

    final int index;
    final NDArray inputNorm;
    final NDArray postAttentionNorm;
    final LinearLayer q;
    final LinearLayer k;
    final LinearLayer v;
    final LinearLayer o;
    final NDArray qNorm; // Qwen3 only
    final NDArray kNorm; // Qwen3 only
    final LinearLayer gate;
    final LinearLayer up;
    final LinearLayer down;

    DecoderLayer(int index, NDArray inputNorm, NDArray postAttentionNorm, LinearLayer q, LinearLayer k,
            LinearLayer v, LinearLayer o, NDArray qNorm, NDArray kNorm, LinearLayer gate, LinearLayer up,
            LinearLayer down) {
        this.index = index;
        this.inputNorm = inputNorm;
        this.postAttentionNorm = postAttentionNorm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.gate = gate;
        this.up = up;
        this.down = down;
    }

    /** The linear layers in HF order, for adapters to find by module name. */
    public LinearLayer[] linearLayers() {
        return new LinearLayer[] {q, k, v, o, gate, up, down};
    }

    NDArray forward(NDArray x, Rotary.Angles angles, NDArray attentionBias, KvCache cache, ModelConfig cfg, double eps) {
        NDArray h = x.add(attention(rmsNorm(x, inputNorm, eps), angles, attentionBias, cache, cfg, eps));
        return h.add(mlp(rmsNorm(h, postAttentionNorm, eps)));
    }

    private NDArray attention(NDArray x, Rotary.Angles angles, NDArray attentionBias, KvCache cache,
            ModelConfig cfg, double eps) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = cfg.numHeads();
        int kvHeads = cfg.numKvHeads();
        int hd = cfg.headDim();

        NDArray qh = q.forward(x).reshape(b, t, heads, hd);
        NDArray kh = k.forward(x).reshape(b, t, kvHeads, hd);
        NDArray vh = v.forward(x).reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
        if (qNorm != null) {
            qh = rmsNorm(qh, qNorm, eps);
            kh = rmsNorm(kh, kNorm, eps);
        }
        qh = Rotary.apply(qh.transpose(0, 2, 1, 3), angles);
        kh = Rotary.apply(kh.transpose(0, 2, 1, 3), angles);

        NDArray keys = kh;
        NDArray values = vh;
        if (cache != null) {
            NDArray[] kv = cache.append(index, kh, vh);
            keys = kv[0];
            values = kv[1];
        }
        long s = keys.getShape().get(2);
        int groups = heads / kvHeads;
        // Grouped-query attention without copying k/v: query heads of one group share a kv head.
        NDArray q5 = qh.reshape(b, kvHeads, groups, t, hd);
        NDArray k5 = keys.expandDims(2).transpose(0, 1, 2, 4, 3);
        NDArray scores = NativeArrays.times(q5.matMul(k5).toType(DataType.FLOAT32, false), 1.0 / Math.sqrt(hd))
                .add(attentionBias);
        NDArray probs = scores.softmax(-1).toType(x.getDataType(), false);
        NDArray out = probs.matMul(values.expandDims(2)) // (b, kv, g, t, hd)
                .reshape(b, heads, t, hd)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * hd);
        return o.forward(out);
    }

    private NDArray mlp(NDArray x) {
        NDArray g = gate.forward(x);
        return down.forward(Activation.sigmoid(g).mul(g).mul(up.forward(x)));
    }

    /** RMSNorm over the last axis in float32, scaled in the input's dtype, as HF's LlamaRMSNorm. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray xf = x.toType(DataType.FLOAT32, false);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed;
        try (NDArray epsilon = NativeArrays.scalar(x.getManager(), eps, DataType.FLOAT32)) {
            normed = xf.div(variance.add(epsilon).sqrt());
        }
        return normed.toType(x.getDataType(), false).mul(weight);
    }
}
