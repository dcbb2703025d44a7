package org.loralab.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Llama-family decoder (Llama, Qwen2, Qwen3) written with DJL NDArray operations over the
 * PyTorch engine, its weights read from a HF checkpoint folder.
 */
public final class CausalLM implements AutoCloseable {

    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final DataType dtype;
    private final NDArray embedTokens;
    private final List<DecoderLayer> layers;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final Rotary rotary;
    private final DecoderLayer.Constants constants;
    private String dtypeChoice;
    private final boolean shared; // a view of a cached model (see view())

    private CausalLM(ModelConfig config, NDManager manager, DataType dtype, NDArray embedTokens,
            List<DecoderLayer> layers, NDArray finalNorm, NDArray lmHead) {
        this.config = config;
        this.manager = manager;
        this.dtype = dtype;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.rotary = new Rotary(manager, config.rope(), config.headDim(), dtype);
        this.constants = new DecoderLayer.Constants(
                NativeArrays.scalar(manager, config.rmsNormEps(), DataType.FLOAT32),
                NativeArrays.scalar(manager, 1.0 / Math.sqrt(config.headDim()), DataType.FLOAT32));
        this.shared = false;
    }

    private CausalLM(CausalLM base, NDManager own) {
        this.config = base.config;
        this.manager = own;
        this.dtype = base.dtype;
        this.embedTokens = base.embedTokens;
        List<DecoderLayer> views = new ArrayList<>();
        for (DecoderLayer l : base.layers) {
            views.add(l.sharedView());
        }
        this.layers = Collections.unmodifiableList(views);
        this.finalNorm = base.finalNorm;
        this.lmHead = base.lmHead;
        this.rotary = base.rotary;
        this.constants = base.constants;
        this.dtypeChoice = base.dtypeChoice;
        this.shared = true;
    }

    /**
     * One job's view of this (cached) model: the same weight arrays, read-only, under layer objects
     * of its own, so the job's adapter hooks touch no other job's model. {@link #manager()} of the
     * view is a fresh manager for the job's arrays (adapters, inputs), closed with the view; the
     * weights' manager stays the cache's. Cheap: no array is copied.
     */
    CausalLM view() {
        return new CausalLM(this, NDManager.newBaseManager(device(), "PyTorch"));
    }

    /** Whether this is a view of a cached model whose weights other jobs share (read-only: attach adapters, never merge). */
    public boolean isShared() {
        return shared;
    }

    /** Loads config.json and the safetensors weights of {@code dir}. */
    public static CausalLM load(Path dir, ModelOptions options) throws IOException {
        return load(dir, options, false);
    }

    /**
     * For training every weight in place: each weight in memory of its own. {@link #load} may leave
     * float32 weights on the CPU reading straight from the read-only mapped file, where an in-place
     * update would crash the JVM.
     */
    public static CausalLM loadWritable(Path dir, ModelOptions options) throws IOException {
        return load(dir, options, true);
    }

    private static CausalLM load(Path dir, ModelOptions options, boolean writable) throws IOException {
        ModelConfig config = ModelConfig.load(dir);
        Device device = options.resolveDevice();
        DataType dtype = options.resolveDtype(device, config.torchDtype());
        Checkpoint ckpt = Checkpoint.open(dir);
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            CausalLM model = new WeightLoader(ckpt, config, manager, dtype, device, writable).load();
            model.dtypeChoice = options.explainDtype(device, config.torchDtype(), dtype);
            return model;
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Reads the tensors for each module, checking shapes against config.json. */
    private record WeightLoader(Checkpoint ckpt, ModelConfig c, NDManager m, DataType dtype, Device device, boolean writable) {

        CausalLM load() throws IOException {
            int h = c.hiddenSize();
            NDArray embed = tensor("model.embed_tokens.weight", c.vocabSize(), h);
            List<DecoderLayer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(layer(i));
            }
            requireNoLayerBeyond(c.numLayers());
            NDArray norm = tensor("model.norm.weight", h);
            NDArray head = c.tieWordEmbeddings() || !ckpt.has("lm_head.weight") ? embed
                    : tensor("lm_head.weight", c.vocabSize(), h);
            return new CausalLM(c, m, dtype, embed, Collections.unmodifiableList(layers), norm, head);
        }

        /** A checkpoint with more layers than config.json names is another model, not one to load in part. */
        private void requireNoLayerBeyond(int layers) throws IOException {
            for (String name : ckpt.tensorNames()) {
                if (name.startsWith("model.layers.")) {
                    String index = name.substring("model.layers.".length()).split("\\.", 2)[0];
                    if (index.matches("[0-9]{1,9}") && Integer.parseInt(index) >= layers) {
                        throw new IOException(ckpt.dir() + ": config.json says num_hidden_layers " + layers
                                + " but the checkpoint holds '" + name + "'");
                    }
                }
            }
        }

        private DecoderLayer layer(int i) throws IOException {
            String p = "model.layers." + i + ".";
            int h = c.hiddenSize();
            int qOut = c.numHeads() * c.headDim();
            int kvOut = c.numKvHeads() * c.headDim();
            int ff = c.intermediateSize();
            boolean qkNorm = c.architecture().qkNorm();
            return new DecoderLayer(i,
                    tensor(p + "input_layernorm.weight", h),
                    tensor(p + "post_attention_layernorm.weight", h),
                    linear(p + "self_attn.q_proj", qOut, h, c.qkvBias()),
                    linear(p + "self_attn.k_proj", kvOut, h, c.qkvBias()),
                    linear(p + "self_attn.v_proj", kvOut, h, c.qkvBias()),
                    linear(p + "self_attn.o_proj", h, qOut, c.outputBias()),
                    qkNorm ? tensor(p + "self_attn.q_norm.weight", c.headDim()) : null,
                    qkNorm ? tensor(p + "self_attn.k_norm.weight", c.headDim()) : null,
                    linear(p + "mlp.gate_proj", ff, h, c.mlpBias()),
                    linear(p + "mlp.up_proj", ff, h, c.mlpBias()),
                    linear(p + "mlp.down_proj", h, ff, c.mlpBias()));
        }

        private LinearLayer linear(String module, int out, int in, boolean bias) throws IOException {
            LinearLayer layer = new LinearLayer(module, tensor(module + ".weight", out, in), bias ? tensor(module + ".bias", out) : null);
            if (!writable && ckpt.loadsMapped(module + ".weight", dtype, device)) {
                layer.markWeightReadOnly(); // a merge replaces it instead of writing into the file's mapping
            }
            return layer;
        }

        private NDArray tensor(String name, long... shape) throws IOException {
            NDArray w = ckpt.load(m, name, new Shape(shape), dtype, device);
            if (!writable) {
                return w;
            }
            NDArray own = w.duplicate(); // out of the read-only mapping, if that is where it was
            own.setName(name);
            w.close();
            return own;
        }
    }

    /**
     * Runs the decoder over {@code inputIds} (batch, seq) continuing from {@code cache}.
     *
     * @param inputIds token ids, int64 (batch, seq)
     * @param positionIds rotary positions, int64 (batch, seq)
     * @param keyMask 1 for real tokens, 0 for padding, over all cached plus new positions (batch, past + seq);
     *     null when no position is padding (then a single new token needs no mask at all)
     * @param cache the key/value cache to extend, or null for a stateless pass
     * @param lastPositionOnly compute logits only for the last position (generation)
     * @return float32 logits (batch, seq or 1, vocab), owned by the caller
     */
    public NDArray forward(NDArray inputIds, NDArray positionIds, NDArray keyMask, KvCache cache, boolean lastPositionOnly) {
        if (dtype == DataType.BFLOAT16 && Autograd.isRecording()) {
            throw new IllegalStateException("this model holds bfloat16 weights, which are for inference here; "
                    + "load it with ModelOptions.forTraining() (float32) to train");
        }
        try (NDScope scope = new NDScope()) {
            NDArray x = decoderStack(inputIds, positionIds, keyMask, cache, null);
            if (lastPositionOnly) {
                x = x.get(":, -1:, :");
            }
            NDArray logits = DecoderLayer.rmsNorm(x, finalNorm, constants.eps());
            logits = Autograd.cast(ai.djl.nn.core.Linear.linear(logits, lmHead).singletonOrThrow(), DataType.FLOAT32);
            NDScope.unregister(logits);
            scope.suppressNotUsedWarning();
            return logits;
        }
    }

    /**
     * Embedding then every decoder layer; {@code afterEach}, when given, sees the hidden state after
     * the embedding (depth 0) and after each layer (depth l + 1). Call inside an NDScope.
     */
    private NDArray decoderStack(NDArray inputIds, NDArray positionIds, NDArray keyMask, KvCache cache,
            java.util.function.ObjIntConsumer<NDArray> afterEach) {
        long t = inputIds.getShape().get(1);
        long past = cache == null ? 0 : cache.length();
        NDArray x = Embedding.embedding(inputIds, embedTokens, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
        Rotary.Angles angles = rotary.angles(positionIds, dtype);
        NDArray bias = keyMask == null ? causalBias(inputIds.getManager(), past, t) : attentionBias(keyMask, past, t);
        if (afterEach != null) {
            afterEach.accept(x, 0);
        }
        long b = inputIds.getShape().get(0);
        long hidden = config.hiddenSize();
        NDArray stream = x.reshape(b * t, hidden); // 2-D through the layers (DecoderLayer.forward)
        for (int l = 0; l < layers.size(); l++) {
            stream = layerForward(layers.get(l), stream, b, t, angles, bias, cache);
            if (afterEach != null) {
                afterEach.accept(stream.reshape(b, t, hidden), l + 1);
            }
        }
        return stream.reshape(b, t, hidden);
    }

    /**
     * One layer in a scope of its own: its temporaries (attention scores, MLP activations) are freed
     * as soon as it returns instead of piling up over every layer until the forward pass ends
     * (autograd keeps what backward needs alive natively). The output joins the caller's scope.
     */
    private NDArray layerForward(DecoderLayer layer, NDArray stream, long b, long t, Rotary.Angles angles, NDArray bias,
            KvCache cache) {
        NDArray out;
        try (NDScope layerScope = new NDScope()) {
            out = layer.forward(stream, b, t, rotary, angles, bias, cache, config, constants);
            NDScope.unregister(out);
            layerScope.suppressNotUsedWarning();
        }
        NDScope.register(out); // into the enclosing scope, which frees it when the pass ends
        return out;
    }

    /**
     * What every layer of one stateless pass reads besides the residual stream: rotary angles and
     * the attention bias, computed once per batch. Arrays belong to the inputs' manager.
     */
    public static final class LayerInputs {
        final long batch;
        final long seq;
        final Rotary.Angles angles;
        final NDArray bias;

        LayerInputs(long batch, long seq, Rotary.Angles angles, NDArray bias) {
            this.batch = batch;
            this.seq = seq;
            this.angles = angles;
            this.bias = bias;
        }
    }

    // Layer-by-layer access for training that recomputes activations (checkpointing) or never
    // materialises the full logits (chunked loss). forward() remains the one-call path.

    /** Rotary angles and attention bias of a stateless pass over (batch, seq) {@code positionIds}; keyMask as in {@link #forward}. */
    public LayerInputs layerInputs(NDArray positionIds, NDArray keyMask) {
        long b = positionIds.getShape().get(0);
        long t = positionIds.getShape().get(1);
        try (Autograd.Scope noGrad = Autograd.inference()) { // constants of the pass: nothing to differentiate
            NDArray bias = keyMask == null ? causalBias(positionIds.getManager(), 0, t) : attentionBias(keyMask, 0, t);
            return new LayerInputs(b, t, rotary.angles(positionIds, dtype), bias);
        }
    }

    /** The token embeddings as the residual stream, (batch * seq, hidden), in the model's dtype. */
    public NDArray embed(NDArray inputIds) {
        long rows = inputIds.getShape().size();
        return Embedding.embedding(inputIds, embedTokens, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow()
                .reshape(rows, config.hiddenSize());
    }

    /**
     * Decoder layer {@code layer} over the residual stream (batch * seq, hidden). Its intermediates'
     * handles are closed before returning (autograd keeps what backward needs); the result is the
     * caller's to close.
     */
    public NDArray layerForward(int layer, NDArray stream, LayerInputs in) {
        try (NDScope scope = new NDScope()) {
            NDArray out = layers.get(layer).forward(stream, in.batch, in.seq, rotary, in.angles, in.bias, null, config, constants);
            NDScope.unregister(out);
            scope.suppressNotUsedWarning();
            return out;
        }
    }

    /** The final RMSNorm of the stream, (rows, hidden): what the LM head reads. */
    public NDArray finalHidden(NDArray stream) {
        try (NDScope scope = new NDScope()) {
            NDArray out = DecoderLayer.rmsNorm(stream, finalNorm, constants.eps());
            NDScope.unregister(out);
            scope.suppressNotUsedWarning();
            return out;
        }
    }

    /** float32 logits (rows, vocab) of final hidden states (rows, hidden), as {@link #forward} computes them. */
    public NDArray logitsOf(NDArray hidden) {
        try (NDScope scope = new NDScope()) {
            NDArray logits = Autograd.cast(ai.djl.nn.core.Linear.linear(hidden, lmHead).singletonOrThrow(), DataType.FLOAT32);
            NDScope.unregister(logits);
            scope.suppressNotUsedWarning();
            return logits;
        }
    }

    /**
     * The mean over tokens of the hidden state after the embedding and after each layer, float32
     * (layers + 1, hidden): a sentence representation per depth, for description-conditioned merging.
     */
    public float[][] meanHiddenStates(long[] ids) {
        try (NDManager m = manager.newSubManager(); NDScope scope = new NDScope()) {
            int t = ids.length;
            NDArray input = m.create(ids, new Shape(1, t));
            long[] pos = new long[t];
            for (int i = 0; i < t; i++) {
                pos[i] = i;
            }
            NDArray positions = m.create(pos, new Shape(1, t));
            float[][] out = new float[layers.size() + 1][];
            decoderStack(input, positions, m.ones(new Shape(1, t), DataType.INT64), null,
                    (x, depth) -> out[depth] = x.toType(DataType.FLOAT32, false).mean(new int[] {1}).toFloatArray());
            scope.suppressNotUsedWarning();
            return out;
        }
    }

    /**
     * The arrays to train when training the whole model (not an adapter): every parameter once, with
     * fused projections as their stacked weight. Updating these in place updates {@link #namedWeights}.
     */
    public java.util.Map<String, NDArray> trainableLeaves() {
        java.util.Map<String, NDArray> w = new java.util.LinkedHashMap<>();
        w.put("model.embed_tokens.weight", embedTokens);
        for (DecoderLayer l : layers) {
            l.collectLeaves(w);
        }
        w.put("model.norm.weight", finalNorm);
        if (lmHead != embedTokens) {
            w.put("lm_head.weight", lmHead);
        }
        return w;
    }

    /** Every weight by its HF tensor name (the tied head appears once, as the embedding). */
    public java.util.Map<String, NDArray> namedWeights() {
        java.util.Map<String, NDArray> w = new java.util.LinkedHashMap<>();
        w.put("model.embed_tokens.weight", embedTokens);
        for (DecoderLayer l : layers) {
            String p = "model.layers." + l.index + ".";
            w.put(p + "input_layernorm.weight", l.inputNorm);
            w.put(p + "post_attention_layernorm.weight", l.postAttentionNorm);
            if (l.qNorm != null) {
                w.put(p + "self_attn.q_norm.weight", l.qNorm);
                w.put(p + "self_attn.k_norm.weight", l.kNorm);
            }
            for (LinearLayer lin : l.linearLayers()) {
                w.put(lin.modulePath() + ".weight", lin.weight());
                if (lin.bias() != null) {
                    w.put(lin.modulePath() + ".bias", lin.bias());
                }
            }
        }
        w.put("model.norm.weight", finalNorm);
        if (lmHead != embedTokens) {
            w.put("lm_head.weight", lmHead);
        }
        return w;
    }

    /** {@link #attentionBias} without padding, (1, 1, 1, seq, past + seq); null for one new token, which sees every key. */
    private static NDArray causalBias(NDManager m, long past, long t) {
        if (t == 1) {
            return null;
        }
        long s = past + t;
        NDArray allowed = m.arange(s).reshape(1, s).lte(m.arange(past, past + t).reshape(t, 1)).reshape(1, 1, 1, t, s);
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
    }

    /**
     * Additive mask (batch, 1, 1, seq, past + seq): 0 where query t may attend key s (causal and
     * not padding), a large negative number elsewhere. Finite, so a fully padded row stays NaN-free.
     */
    private NDArray attentionBias(NDArray keyMask, long past, long t) {
        long b = keyMask.getShape().get(0);
        long s = keyMask.getShape().get(1);
        if (s != past + t) {
            throw new IllegalArgumentException("key mask covers " + s + " positions, expected cache "
                    + past + " + input " + t);
        }
        NDManager m = keyMask.getManager();
        NDArray keyIdx = m.arange(s).reshape(1, s);
        NDArray queryIdx = m.arange(past, past + t).reshape(t, 1);
        NDArray causal = keyIdx.lte(queryIdx).reshape(1, 1, 1, t, s);
        NDArray allowed = causal.logicalAnd(keyMask.toType(DataType.BOOLEAN, false).reshape(b, 1, 1, 1, s));
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED);
    }

    public ModelConfig config() {
        return config;
    }

    public DataType dtype() {
        return dtype;
    }

    /** The weights' dtype and why it was chosen, for the engine line: "weights bfloat16 (as stored; ...)". */
    public String dtypeChoice() {
        return dtypeChoice == null ? "weights " + dtype.name().toLowerCase(java.util.Locale.ROOT) : dtypeChoice;
    }

    public Device device() {
        return manager.getDevice();
    }

    /**
     * The manager that owns the weights, or of a view of a cached model, the job's own manager;
     * callers create inputs in a sub-manager of it.
     */
    public NDManager manager() {
        return manager;
    }

    public List<DecoderLayer> layers() {
        return layers;
    }

    /** Every projection of every layer, by HF module path. */
    public List<LinearLayer> linearLayers() {
        List<LinearLayer> all = new ArrayList<>();
        for (DecoderLayer l : layers) {
            Collections.addAll(all, l.linearLayers());
        }
        return all;
    }

    public KvCache newCache() {
        return new KvCache(layers.size());
    }

    /** A cache preallocated for {@code capacity} positions (prompt plus new tokens). */
    public KvCache newCache(long capacity) {
        return new KvCache(layers.size(), capacity);
    }

    /** Bytes the weights take (each array once; a tied head counts once). */
    public long weightBytes() {
        long bytes = 0;
        for (NDArray w : namedWeights().values()) {
            bytes += w.getShape().size() * Bf16.dtypeOf(w).getNumOfBytes(); // DJL reports bf16 as UNKNOWN, 0 bytes
        }
        return bytes;
    }

    /** Frees the weights; for a view of a cached model, only the job's own arrays (the cache frees the weights). */
    @Override
    public void close() {
        manager.close();
    }
}
