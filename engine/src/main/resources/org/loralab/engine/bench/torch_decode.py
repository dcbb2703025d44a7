"""Greedy decoding of `loralab bench generate`, written directly in PyTorch eager.

Same shapes as the Java benchmark: a Llama-shaped decoder in float32 (RMSNorm, RoPE, grouped-query
attention, SwiGLU, tied head), random weights (only speed is measured), a KV cache extended by
concatenation per step as transformers' DynamicCache does, under torch.no_grad(). Prints one JSON
line: milliseconds per step (first generated token to last) for each batch size.
Runs on Debian's python3-torch (1.13) or any later torch.
"""
import argparse, json, math, time
import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
for name in ["hidden", "layers", "heads", "kv_heads", "ff", "vocab", "prompt", "new", "threads"]:
    p.add_argument("--" + name, type=int, required=True)
p.add_argument("--batches", type=str, default="1,16")
a = p.parse_args()
torch.manual_seed(0)
torch.set_num_threads(a.threads)
hd = a.hidden // a.heads
g = a.heads // a.kv_heads


def w(*shape):
    return torch.randn(*shape) * 0.02


layers = [dict(n1=torch.ones(a.hidden), n2=torch.ones(a.hidden), q=w(a.heads * hd, a.hidden),
               k=w(a.kv_heads * hd, a.hidden), v=w(a.kv_heads * hd, a.hidden), o=w(a.hidden, a.heads * hd),
               g=w(a.ff, a.hidden), u=w(a.ff, a.hidden), d=w(a.hidden, a.ff)) for _ in range(a.layers)]
embed = w(a.vocab, a.hidden)
norm = torch.ones(a.hidden)
inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))


def rms(x, wt):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * wt


def rope(x, pos):
    ang = pos.float()[:, None] * inv
    emb = torch.cat([ang, ang], -1)
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    return x * emb.cos() + torch.cat([-x2, x1], -1) * emb.sin()


def forward(ids, start, cache):
    b, t = ids.shape
    pos = torch.arange(start, start + t)
    x = F.embedding(ids, embed)
    for i, l in enumerate(layers):
        h = rms(x, l["n1"])
        q = rope(F.linear(h, l["q"]).view(b, t, a.heads, hd).transpose(1, 2), pos)
        k = rope(F.linear(h, l["k"]).view(b, t, a.kv_heads, hd).transpose(1, 2), pos)
        v = F.linear(h, l["v"]).view(b, t, a.kv_heads, hd).transpose(1, 2)
        if cache[i] is not None:
            k = torch.cat([cache[i][0], k], 2)
            v = torch.cat([cache[i][1], v], 2)
        cache[i] = (k, v)
        s = k.shape[2]
        kk = k[:, :, None].expand(b, a.kv_heads, g, s, hd).reshape(b, a.heads, s, hd)
        vv = v[:, :, None].expand(b, a.kv_heads, g, s, hd).reshape(b, a.heads, s, hd)
        sc = q @ kk.transpose(-1, -2) / math.sqrt(hd)
        if t > 1:
            sc = sc + torch.full((t, s), -1e9).triu(s - t + 1)
        o = (sc.softmax(-1) @ vv).transpose(1, 2).reshape(b, t, -1)
        x = x + F.linear(o, l["o"])
        h = rms(x, l["n2"])
        x = x + F.linear(F.silu(F.linear(h, l["g"])) * F.linear(h, l["u"]), l["d"])
    return F.linear(rms(x[:, -1:], norm), embed)


def decode(batch, new):
    ids = torch.randint(0, 256, (batch, a.prompt))
    cache = [None] * a.layers
    logits = forward(ids, 0, cache)
    t0 = time.perf_counter()
    for step in range(new - 1):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        logits = forward(nxt, a.prompt + step, cache)
    return (time.perf_counter() - t0) * 1000 / max(1, new - 1)


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(libs)) or "unknown"


out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "ms_per_step": {}}
with torch.no_grad():
    for batch in [int(x) for x in a.batches.split(",")]:
        decode(batch, 4)
        out["ms_per_step"][str(batch)] = decode(batch, a.new)
print(json.dumps(out))
