package org.loralab.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * One pre-norm transformer block: grouped-query self-attention then a SwiGLU MLP. q/k/v and
 * gate/up each run as one fused matmul ({@link FusedLinear}); the separate projections remain for
 * adapters, merging and saving.
 */
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
    private final FusedLinear qkv;
    private final FusedLinear gateUp;

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
        this.qkv = new FusedLinear(q, k, v);
        this.gateUp = new FusedLinear(gate, up);
    }

    private DecoderLayer(DecoderLayer base) {
        this.index = base.index;
        this.inputNorm = base.inputNorm;
        this.postAttentionNorm = base.postAttentionNorm;
        this.q = base.q.sharedView();
        this.k = base.k.sharedView();
        this.v = base.v.sharedView();
        this.o = base.o.sharedView();
        this.qNorm = base.qNorm;
        this.kNorm = base.kNorm;
        this.gate = base.gate.sharedView();
        this.up = base.up.sharedView();
        this.down = base.down.sharedView();
        this.qkv = new FusedLinear(base.qkv, q, k, v);
        this.gateUp = new FusedLinear(base.gateUp, gate, up);
    }

    /** This layer's weights under linear layers of a job's own (own adapter hooks), for a view of a cached model. */
    DecoderLayer sharedView() {
        return new DecoderLayer(this);
    }

    /** The linear layers in HF order, for adapters to find by module name. */
    public LinearLayer[] linearLayers() {
        return new LinearLayer[] {q, k, v, o, gate, up, down};
    }

    /**
     * The arrays that are this layer's parameters, keyed by a name for an optimizer: the stacked q/k/v
     * and gate/up weights (the separate projections are views of them), o, down and the norms.
     */
    void collectLeaves(java.util.Map<String, NDArray> out) {
        String p = "model.layers." + index + ".";
        out.put(p + "input_layernorm.weight", inputNorm);
        out.put(p + "post_attention_layernorm.weight", postAttentionNorm);
        if (qNorm != null) {
            out.put(p + "self_attn.q_norm.weight", qNorm);
            out.put(p + "self_attn.k_norm.weight", kNorm);
        }
        putStack(out, p + "self_attn.qkv_proj", qkv.leaves());
        putStack(out, p + "mlp.gate_up_proj", gateUp.leaves());
        for (LinearLayer l : new LinearLayer[] {o, down}) {
            out.put(l.modulePath() + ".weight", l.weight());
            if (l.bias() != null) {
                out.put(l.modulePath() + ".bias", l.bias());
            }
        }
    }

    private static void putStack(java.util.Map<String, NDArray> out, String name, NDArray[] weightAndBias) {
        out.put(name + ".weight", weightAndBias[0]);
        if (weightAndBias[1] != null) {
            out.put(name + ".bias", weightAndBias[1]);
        }
    }

    /**
     * @param x the residual stream, (b * t, hidden): kept 2-D through the layers so that every
     *     projection is one plain GEMM, with no reshapes around it
     */
    NDArray forward(NDArray x, long b, long t, Rotary rotary, Rotary.Angles angles, NDArray attentionBias, KvCache cache,
            ModelConfig cfg, Constants c) {
        // Each residual add happens inside the block's last matmul (LinearLayer.forwardPlus).
        NDArray h = o.forwardPlus(attention(rmsNorm(x, inputNorm, c.eps()), b, t, rotary, angles, attentionBias, cache, cfg, c), x);
        return down.forwardPlus(swiGlu(rmsNorm(h, postAttentionNorm, c.eps())), h);
    }

    private NDArray attention(NDArray x, long b, long t, Rotary rotary, Rotary.Angles angles, NDArray attentionBias,
            KvCache cache, ModelConfig cfg, Constants c) {
        int heads = cfg.numHeads();
        int kvHeads = cfg.numKvHeads();
        int hd = cfg.headDim();

        // (b, heads + 2 kv, t, hd): q heads, then k heads, then v heads.
        NDArray all = qkv.forward(x).reshape(b, t, heads + 2L * kvHeads, hd).transpose(0, 2, 1, 3);
        NDArray qh;
        NDArray kh;
        NDArray vh;
        if (qNorm != null) {
            NDList qkv3 = splitAt(all, 1, heads, heads + kvHeads);
            qh = rotary.apply(rmsNorm(qkv3.get(0), qNorm, c.eps()), angles);
            kh = rotary.apply(rmsNorm(qkv3.get(1), kNorm, c.eps()), angles);
            vh = qkv3.get(2);
        } else {
            NDList qkAndV = splitAt(all, 1, heads + kvHeads);
            NDList qk = splitAt(rotary.apply(qkAndV.get(0), angles), 1, heads); // one rotation for q and k
            qh = qk.get(0);
            kh = qk.get(1);
            vh = qkAndV.get(1);
        }

        NDArray keys = kh;
        NDArray values = vh;
        if (cache != null) {
            NDArray[] kv = cache.append(index, kh, vh);
            keys = kv[0];
            values = kv[1];
        }
        long s = keys.getShape().get(2);
        int groups = heads / kvHeads;
        long chunk = queryChunk(b, heads, t, s);
        NDArray perHead; // (b, kv, g * t, hd), i.e. (b, heads, t, hd)
        if (chunk >= t) {
            // Grouped-query attention as plain batched matmuls over kv heads: the query heads of one
            // group are stacked along the query axis (g * t rows), so k and v are read in place, never copied per group.
            perHead = attend(qh.reshape(b, kvHeads, (long) groups * t, hd), keys, values, attentionBias, groups, t, x, c);
        } else {
            // A long prefill: the queries in blocks, so that only one block's float32 scores exist at a time.
            NDArray q5 = qh.reshape(b, kvHeads, groups, t, hd);
            NDList blocks = new NDList();
            for (long t0 = 0; t0 < t; t0 += chunk) {
                long tc = Math.min(chunk, t - t0);
                NDArray qc = Views.narrow(q5, 3, t0, t0 + tc).reshape(b, kvHeads, groups * tc, hd);
                NDArray biasC = attentionBias == null ? null : Views.narrow(attentionBias, 3, t0, t0 + tc);
                blocks.add(attend(qc, keys, values, biasC, groups, tc, x, c).reshape(b, kvHeads, groups, tc, hd));
            }
            perHead = NDArrays.concat(blocks, 3);
        }
        // One new token: (b, heads, 1, hd) already lies in memory as (b, heads * hd).
        return t == 1 ? perHead.reshape(b, (long) heads * hd) // (b * t, heads * hd), before o_proj
                : perHead.reshape(b, heads, t, hd).transpose(0, 2, 1, 3).reshape(b * t, (long) heads * hd);
    }

    /** Float32 attention scores a query block may hold at once (bytes); beyond, the queries run in blocks. */
    static long scoreBudgetBytes = 64L << 20;

    /** Query positions per block: all of them unless (b, heads, t, s) float32 scores exceed {@link #scoreBudgetBytes}. */
    static long queryChunk(long b, long heads, long t, long s) {
        long perQuery = b * heads * s * 4;
        return Math.max(1, Math.min(t, scoreBudgetBytes / Math.max(1, perQuery)));
    }

    /**
     * softmax(q k^T * scale + bias) v for queries {@code qg} (b, kv, g * tq, hd) against all keys,
     * the scores in float32. Scaled and masked in place: the float32 scores are the largest
     * temporaries of a prefill, and each out-of-place step would hold another copy. (Safe under
     * autograd: neither the cast nor the scaling saves a tensor that is changed later.)
     */
    private static NDArray attend(NDArray qg, NDArray keys, NDArray values, NDArray bias, int groups, long tq, NDArray x,
            Constants c) {
        long b = qg.getShape().get(0);
        long kvHeads = qg.getShape().get(1);
        long s = keys.getShape().get(2);
        NDArray scores = Autograd.cast(qg.matMul(keys.transpose(0, 1, 3, 2)), DataType.FLOAT32);
        scores.muli(c.attentionScale());
        if (bias != null) { // null: no padding and one new token, every key visible
            scores.reshape(b, kvHeads, groups, tq, s).addi(bias); // a view: adds into scores
        }
        NDArray probs = Bf16.cast(scores.softmax(-1), Bf16.dtypeOf(x));
        return probs.matMul(values); // (b, kv, g * tq, hd)
    }

    /**
     * Views of {@code x} cut along {@code axis} at the given indices, in one call. Unlike a narrow
     * per piece, whose backward pass fills a full-width zero gradient for each piece and then adds
     * them, the backward pass of a split concatenates the pieces' gradients once.
     */
    private static NDList splitAt(NDArray x, int axis, long... indices) {
        return x.split(indices, axis);
    }

    /** silu(gate(x)) * up(x): the MLP before down_proj. */
    private NDArray swiGlu(NDArray x) {
        NDArray gu = gateUp.forward(x);
        NDList gateAndUp = splitAt(gu, gu.getShape().dimension() - 1, gateUp.offset(1));
        NDArray g = gateAndUp.get(0);
        return Activation.sigmoid(g).mul(g).mul(gateAndUp.get(1));
    }

    /** RMSNorm over the last axis in float32, scaled in the input's dtype, as HF's LlamaRMSNorm. */
    static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
        NDArray xf = Autograd.cast(x, DataType.FLOAT32);
        NDArray variance = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(variance.add(eps).sqrt());
        return Bf16.cast(normed, Bf16.dtypeOf(x)).mul(weight);
    }

    /**
     * Scalars every layer uses, created once per model in memory PyTorch owns (safe under
     * autograd, see {@link NativeArrays#scalar}): the RMSNorm epsilon and 1/sqrt(head_dim), float32.
     */
    record Constants(NDArray eps, NDArray attentionScale) {}
}
