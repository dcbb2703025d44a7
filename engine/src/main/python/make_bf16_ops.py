"""Writes engine/src/main/resources/org/loralab/engine/model/bf16_ops.pt, the TorchScript helper
behind model/Bf16.java. Run with Debian's /usr/bin/python3 (torch 1.13) from this folder.

Why: DJL 0.35.1's PyTorch JNI maps DJL dtypes to torch dtypes with a switch that knows only
float32/64, float16, uint8, int8, int32, int64, bool and complex64; any call that passes bfloat16
(create, toType, zeros, full, softmax with a dtype) runs a bare `throw;` and the JVM aborts
("terminate called without an active exception"), on the CPU and on a GPU alike. Operations on
tensors that already are bf16 take no dtype argument and work. These methods make the few bf16
tensors the engine needs without passing a dtype through the JNI.
"""
import zipfile
from typing import List

import torch
from torch import Tensor


class Bf16Ops(torch.nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x

    @torch.jit.export
    def empty_bf16(self, shape: Tensor, like: Tensor) -> Tensor:
        size: List[int] = shape.tolist()
        return torch.empty(size, dtype=torch.bfloat16, device=like.device)

    @torch.jit.export
    def zeros_as(self, shape: Tensor, like: Tensor) -> Tensor:
        size: List[int] = shape.tolist()
        return torch.zeros(size, dtype=like.dtype, device=like.device)

    @torch.jit.export
    def to_bf16(self, x: Tensor) -> Tensor:
        return x.to(torch.bfloat16)

    @torch.jit.export
    def to_device_of(self, x: Tensor, like: Tensor) -> Tensor:
        return x.to(like.device)

    @torch.jit.export
    def is_bf16(self, x: Tensor) -> Tensor:
        return torch.tensor([x.dtype == torch.bfloat16], device=x.device)


OUT = "../resources/org/loralab/engine/model/bf16_ops.pt"
torch.jit.script(Bf16Ops()).save(OUT)
# Drop the debug pickle (source positions of this file): smaller, and nothing machine-specific.
with zipfile.ZipFile(OUT) as src:
    entries = [(i, src.read(i.filename)) for i in src.infolist() if not i.filename.endswith(".debug_pkl")]
with zipfile.ZipFile(OUT, "w", zipfile.ZIP_STORED) as out:
    for info, data in entries:
        info.date_time = (1980, 1, 1, 0, 0, 0)
        out.writestr(info, data)
print(OUT)
