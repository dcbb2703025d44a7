"""Independent float64 reference for the forward pass, written from Hugging Face transformers'
modeling code (modeling_llama.py, modeling_qwen2.py, modeling_qwen3.py, modeling_rope_utils.py)
and PEFT's LoRA semantics (tuners_utils.check_target_module_exists, utils.other.get_pattern_key,
lora.layer.Linear.forward), in plain numpy: no LoRA Lab code is involved.

Usage: /usr/bin/python3 reference_forward.py OUT_DIR   (Debian: apt-get install python3-numpy)

Writes, per case, a tiny checkpoint (config.json as transformers >= 5 writes it, with RoPE under
rope_parameters, and model.safetensors written here by hand from the safetensors spec), a
PEFT-layout adapter where a case has one, and reference.json with the logits. The Java test
IndependentReferenceTest loads the same files with our engine and compares. The outputs are
checked in under engine/src/test/resources/reference, so CI needs no python.
"""
import json
import math
import re
import struct
import sys
from pathlib import Path

import numpy as np

IDS = [1, 17, 42, 5, 63, 8, 30, 30, 2, 50, 11, 0]
VOCAB = 64


# ---- safetensors, from the format description (8-byte LE header size, JSON header, raw data) ----

def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


# ---- config.json read as transformers >= 5 reads it ----

def rope_parameters(cfg):
    """convert_rope_params_to_dict: rope_scaling (legacy) or rope_parameters; rope_theta inside
    wins over the top-level one, then the default 10000."""
    params = dict(cfg.get("rope_scaling") or cfg.get("rope_parameters") or {})
    layer_types = cfg.get("layer_types")
    if params and all(isinstance(v, dict) for v in params.values()) and (
            layer_types is None or set(params) <= set(layer_types)):
        distinct = {json.dumps(v, sort_keys=True) for v in params.values()}
        assert len(distinct) == 1, "per-layer-type RoPE differs"
        params = dict(next(iter(params.values())))
    params.setdefault("rope_theta", cfg.get("rope_theta", 10000.0))
    params.setdefault("rope_type", params.get("type", "default"))
    return params


def head_dim(cfg):
    if cfg.get("head_dim") is not None:
        return cfg["head_dim"]
    if cfg["architectures"][0] == "Qwen3ForCausalLM":
        return 128  # Qwen3Config(head_dim=128)
    return cfg["hidden_size"] // cfg["num_attention_heads"]


def inv_frequencies(cfg):
    p = rope_parameters(cfg)
    dim = head_dim(cfg)
    inv = 1.0 / (p["rope_theta"] ** (np.arange(0, dim, 2, dtype=np.float64) / dim))
    if p["rope_type"] == "linear":
        inv = inv / p["factor"]
    elif p["rope_type"] == "llama3":  # _compute_llama3_parameters
        factor, low, high = p["factor"], p["low_freq_factor"], p["high_freq_factor"]
        old = p["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = np.where(wavelen > old / low, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / high) & ~(wavelen > old / low)
        inv = np.where(medium, smoothed, scaled)
    else:
        assert p["rope_type"] == "default", p
    return inv


# ---- the decoder, float64 ----

def rms_norm(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def forward(cfg, w, lora, ids):
    arch = cfg["architectures"][0]
    eps = cfg["rms_norm_eps"]
    nh, nkv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    t = len(ids)
    freqs = np.arange(t, dtype=np.float64)[:, None] * inv_frequencies(cfg)[None, :]
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb), np.sin(emb)
    mask = np.triu(np.full((t, t), -np.inf), 1)

    def linear(x, name):
        y = x @ w[name + ".weight"].T
        if name + ".bias" in w:
            y = y + w[name + ".bias"]
        if name in lora:  # PEFT lora.Linear: result + lora_B(lora_A(dropout(x))) * scaling
            a, b, scaling = lora[name]
            y = y + (x @ a.T) @ b.T * scaling
        return y

    h = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = linear(x, p + "self_attn.q_proj").reshape(t, nh, hd).transpose(1, 0, 2)
        k = linear(x, p + "self_attn.k_proj").reshape(t, nkv, hd).transpose(1, 0, 2)
        v = linear(x, p + "self_attn.v_proj").reshape(t, nkv, hd).transpose(1, 0, 2)
        if arch == "Qwen3ForCausalLM":
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, nh // nkv, axis=0)
        v = np.repeat(v, nh // nkv, axis=0)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(hd) + mask
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = (scores / scores.sum(-1, keepdims=True)) @ v
        h = h + linear(attn.transpose(1, 0, 2).reshape(t, nh * hd), p + "self_attn.o_proj")
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(x, p + "mlp.gate_proj")
        h = h + linear(gate / (1 + np.exp(-gate)) * linear(x, p + "mlp.up_proj"), p + "mlp.down_proj")
    h = rms_norm(h, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return h @ head.T


# ---- PEFT's reading of adapter_config.json ----

def peft_targets(acfg, key):
    exclude = acfg.get("exclude_modules")
    if exclude:
        if isinstance(exclude, str):
            if re.fullmatch(exclude, key):
                return False
        elif key in exclude or any(key.endswith("." + e) for e in exclude):
            return False
    targets = acfg["target_modules"]
    if isinstance(targets, str):
        return re.fullmatch(targets, key) is not None
    return key in targets or any(key.endswith("." + t) for t in targets)


def pattern_key(keys, key):
    for k in keys:  # dict order is the file's order
        if re.match(rf"(.*\.)?({k})$", key):
            return k
    return key


def peft_lora(acfg, tensors):
    """Module -> (A, B, scaling) for the modules PEFT injects; other tensors are ignored, as
    set_peft_model_state_dict ignores keys no injected module has."""
    lora = {}
    modules = {n[len("base_model.model."):-len(".lora_A.weight")] for n in tensors if n.endswith(".lora_A.weight")}
    for m in sorted(modules):
        if not peft_targets(acfg, m):
            continue
        r = acfg["rank_pattern"].get(pattern_key(acfg["rank_pattern"].keys(), m), acfg["r"])
        alpha = acfg["alpha_pattern"].get(pattern_key(acfg["alpha_pattern"].keys(), m), acfg["lora_alpha"])
        a = tensors[f"base_model.model.{m}.lora_A.weight"]
        b = tensors[f"base_model.model.{m}.lora_B.weight"]
        assert a.shape[0] == r and b.shape[1] == r, (m, a.shape, b.shape, r)
        lora[m] = (a, b, alpha / math.sqrt(r) if acfg["use_rslora"] else alpha / r)
    return lora


# ---- the cases ----

def config(arch, hidden, inter, layers, heads, kv, **extra):
    c = {"architectures": [arch], "model_type": {"LlamaForCausalLM": "llama", "Qwen2ForCausalLM": "qwen2",
         "Qwen3ForCausalLM": "qwen3"}[arch], "vocab_size": VOCAB, "hidden_size": hidden,
         "intermediate_size": inter, "num_hidden_layers": layers, "num_attention_heads": heads,
         "num_key_value_heads": kv, "hidden_act": "silu", "rms_norm_eps": 1e-6, "max_position_embeddings": 256,
         "attention_bias": False, "tie_word_embeddings": False, "dtype": "float32", "transformers_version": "5.0.0"}
    c.update(extra)
    return c


CASES = {
    # Llama 3 scaling in rope_parameters, no top-level rope_theta: wavelengths fall in all branches.
    "llama_v5_llama3": config("LlamaForCausalLM", 32, 48, 2, 4, 2, head_dim=8, rope_parameters={
        "rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 16}),
    # Qwen2 (q/k/v biases), theta only in rope_parameters.
    "qwen2_v5_theta": config("Qwen2ForCausalLM", 32, 48, 1, 4, 2, rope_parameters={
        "rope_theta": 1000000, "rope_type": "default"}),
    # Qwen3 without head_dim (128), q/k norms, tied embeddings, RoPE given per layer type.
    "qwen3_v5_no_head_dim": config("Qwen3ForCausalLM", 16, 24, 1, 2, 1, tie_word_embeddings=True,
        layer_types=["full_attention"], rope_parameters={
            "full_attention": {"rope_type": "default", "rope_theta": 1000000.0}}),
}


def weights(cfg, rng):
    h, ff, hd = cfg["hidden_size"], cfg["intermediate_size"], head_dim(cfg)
    q, kv = cfg["num_attention_heads"] * hd, cfg["num_key_value_heads"] * hd
    arch = cfg["architectures"][0]

    def g(*shape):
        return (rng.standard_normal(shape) * 0.15).astype(np.float32)

    def norm(n):
        return (1 + rng.standard_normal(n) * 0.1).astype(np.float32)

    w = {"model.embed_tokens.weight": g(VOCAB, h)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm(h)
        w[p + "post_attention_layernorm.weight"] = norm(h)
        for name, shape in (("q_proj", (q, h)), ("k_proj", (kv, h)), ("v_proj", (kv, h)), ("o_proj", (h, q))):
            w[p + "self_attn." + name + ".weight"] = g(*shape)
        if arch == "Qwen2ForCausalLM":
            for name, n in (("q_proj", q), ("k_proj", kv), ("v_proj", kv)):
                w[p + "self_attn." + name + ".bias"] = g(n)
        if arch == "Qwen3ForCausalLM":
            w[p + "self_attn.q_norm.weight"] = norm(hd)
            w[p + "self_attn.k_norm.weight"] = norm(hd)
        w[p + "mlp.gate_proj.weight"] = g(ff, h)
        w[p + "mlp.up_proj.weight"] = g(ff, h)
        w[p + "mlp.down_proj.weight"] = g(h, ff)
    w["model.norm.weight"] = norm(h)
    if not cfg.get("tie_word_embeddings"):
        w["lm_head.weight"] = g(VOCAB, h)
    return w


# adapter_config.json with every key PEFT 0.17 writes, exercising exclude_modules, a grouped
# alternation in rank_pattern and overlapping alpha_pattern keys whose file order decides.
ADAPTER_CONFIG = {
    "alora_invocation_tokens": None, "alpha_pattern": {"layers.0.self_attn.q_proj": 3, "q_proj": 12},
    "arrow_config": None, "auto_mapping": None, "base_model_name_or_path": "tiny-llama-v5", "bias": "none",
    "corda_config": None, "eva_config": None, "exclude_modules": ["model.layers.1.mlp.down_proj"],
    "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layer_replication": None,
    "layers_pattern": None, "layers_to_transform": None, "loftq_config": {}, "lora_alpha": 16, "lora_bias": False,
    "lora_dropout": 0.05, "megatron_config": None, "megatron_core": "megatron.core", "modules_to_save": None,
    "peft_type": "LORA", "qalora_group_size": 16, "r": 4, "rank_pattern": {"q_proj|v_proj": 2}, "revision": None,
    "target_modules": ["v_proj", "down_proj", "q_proj"], "target_parameters": None, "task_type": "CAUSAL_LM",
    "trainable_token_indices": None, "use_dora": False, "use_qalora": False, "use_rslora": False,
}


def adapter_tensors(cfg, rng):
    """PEFT's tensor names; k_proj (not targeted) and layer 1's down_proj (excluded) are extra
    tensors PEFT never loads."""
    hd = head_dim(cfg)
    shapes = {"self_attn.q_proj": (cfg["num_attention_heads"] * hd, cfg["hidden_size"], 2),
              "self_attn.v_proj": (cfg["num_key_value_heads"] * hd, cfg["hidden_size"], 2),
              "self_attn.k_proj": (cfg["num_key_value_heads"] * hd, cfg["hidden_size"], 4),
              "mlp.down_proj": (cfg["hidden_size"], cfg["intermediate_size"], 4)}
    t = {}
    for i in range(cfg["num_hidden_layers"]):
        for m, (out, inp, r) in shapes.items():
            name = f"base_model.model.model.layers.{i}.{m}"
            t[name + ".lora_A.weight"] = (rng.standard_normal((r, inp)) * 0.2).astype(np.float32)
            t[name + ".lora_B.weight"] = (rng.standard_normal((out, r)) * 0.2).astype(np.float32)
    return t


def rounded(logits):
    # 10 significant digits: far below the float32 engine's error, and a small file.
    return [float(f"{x:.10g}") for x in logits.ravel()]


def main(out):
    out.mkdir(parents=True, exist_ok=True)
    reference = {"ids": IDS, "vocab": VOCAB, "logits": {}}
    for seed, (name, cfg) in enumerate(CASES.items()):
        rng = np.random.default_rng(1000 + seed)
        d = out / name
        d.mkdir(exist_ok=True)
        (d / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
        w = weights(cfg, rng)
        write_safetensors(d / "model.safetensors", w)
        w64 = {k: v.astype(np.float64) for k, v in w.items()}
        reference["logits"][name] = rounded(forward(cfg, w64, {}, IDS))
        if name == "llama_v5_llama3":
            a = d / "peft_adapter"
            a.mkdir(exist_ok=True)
            (a / "adapter_config.json").write_text(json.dumps(ADAPTER_CONFIG, indent=2, sort_keys=False) + "\n")
            tensors = adapter_tensors(cfg, rng)
            write_safetensors(a / "adapter_model.safetensors", tensors)
            lora = peft_lora(ADAPTER_CONFIG, {k: v.astype(np.float64) for k, v in tensors.items()})
            reference["logits"][name + "+peft_adapter"] = rounded(forward(cfg, w64, lora, IDS))
    (out / "reference.json").write_text(json.dumps(reference, separators=(",", ":")) + "\n")
    print("wrote", ", ".join(reference["logits"]), "to", out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
