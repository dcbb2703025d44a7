"""The LoRA training step of `loralab bench train`, written directly in PyTorch eager.

Same shapes and work as the Java benchmark: a Llama-shaped decoder in float32 (RMSNorm, RoPE,
grouped-query attention, SwiGLU), LoRA on every linear layer, cross-entropy on the second half of
each sequence, AdamW on the LoRA parameters only. Weights are random: only speed is measured.
Prints one JSON line. Runs on Debian's python3-torch (1.13) or any later torch.
"""
import argparse, json, math, time
import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
for name in ["hidden", "layers", "heads", "kv_heads", "ff", "vocab", "batch", "seq", "rank", "steps", "threads"]:
    p.add_argument("--" + name, type=int, required=True)
a = p.parse_args()
torch.manual_seed(0)
torch.set_num_threads(a.threads)
hd = a.hidden // a.heads


def frozen(*shape):
    return torch.randn(*shape) * 0.02


class Lora:
    def __init__(self, out_f, in_f):
        self.w = frozen(out_f, in_f)
        self.a = (torch.rand(a.rank, in_f) * 2 - 1) / math.sqrt(in_f)
        self.b = torch.zeros(out_f, a.rank)
        self.a.requires_grad_(True)
        self.b.requires_grad_(True)

    def __call__(self, x):
        return F.linear(x, self.w) + F.linear(F.linear(x, self.a), self.b) * 2.0


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w


layers = []
for _ in range(a.layers):
    layers.append(dict(n1=torch.ones(a.hidden), n2=torch.ones(a.hidden),
                       q=Lora(a.heads * hd, a.hidden), k=Lora(a.kv_heads * hd, a.hidden),
                       v=Lora(a.kv_heads * hd, a.hidden), o=Lora(a.hidden, a.heads * hd),
                       g=Lora(a.ff, a.hidden), u=Lora(a.ff, a.hidden), d=Lora(a.hidden, a.ff)))
embed = frozen(a.vocab, a.hidden)
norm = torch.ones(a.hidden)
head = frozen(a.vocab, a.hidden)
params = [t for l in layers for m in l.values() if isinstance(m, Lora) for t in (m.a, m.b)]
opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)

inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd))
ang = torch.outer(torch.arange(a.seq).float(), inv)
cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
mask = torch.full((a.seq, a.seq), -1e9).triu(1)


def rope(x):
    x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


def forward(ids):
    b, t = ids.shape
    x = F.embedding(ids, embed)
    for l in layers:
        h = rms(x, l["n1"])
        q = rope(l["q"](h).view(b, t, a.heads, hd).transpose(1, 2))
        k = rope(l["k"](h).view(b, t, a.kv_heads, hd).transpose(1, 2))
        v = l["v"](h).view(b, t, a.kv_heads, hd).transpose(1, 2)
        g = a.heads // a.kv_heads
        q5 = q.reshape(b, a.kv_heads, g, t, hd)
        s = q5 @ k.unsqueeze(2).transpose(-1, -2) / math.sqrt(hd) + mask
        o = (s.softmax(-1) @ v.unsqueeze(2)).reshape(b, a.heads, t, hd).transpose(1, 2).reshape(b, t, -1)
        x = x + l["o"](o)
        h = rms(x, l["n2"])
        gate = l["g"](h)
        x = x + l["d"](F.silu(gate) * l["u"](h))
    return F.linear(rms(x, norm), head)


ids = torch.randint(0, a.vocab, (a.batch, a.seq))
labels = ids[:, 1:].clone()
labels[:, : a.seq // 2] = -100
times = []
for step in range(a.steps):
    t0 = time.perf_counter()
    logits = forward(ids)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, a.vocab), labels.reshape(-1), ignore_index=-100)
    loss.backward()
    opt.step()
    opt.zero_grad()
    times.append(time.perf_counter() - t0)



def peak_rss_mib():
    # VmHWM, not ru_maxrss: on Linux ru_maxrss keeps the launching JVM's peak across exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


n = 1024
m1, m2 = torch.randn(n, n), torch.randn(n, n)
for _ in range(3):
    m1 @ m2
t0 = time.perf_counter()
for _ in range(20):
    m1 @ m2
matmul = 20 * 2 * n ** 3 / (time.perf_counter() - t0)


def blas_library():
    # The BLAS actually mapped into this process (Debian's torch links libblas.so.3 via alternatives).
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(libs)) or "unknown"


steady = sorted(times[2:]) if len(times) > 3 else sorted(times)
print(json.dumps({"torch": torch.__version__, "step_seconds": steady[len(steady) // 2],
                  "peak_rss_mib": peak_rss_mib(),
                  "matmul_flops": matmul, "loss": float(loss),
                  "threads": torch.get_num_threads(), "blas": blas_library()}))
