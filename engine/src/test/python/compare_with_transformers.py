"""Reference check: our DJL forward pass against HF transformers on the same checkpoints.

Usage: python3 compare_with_transformers.py DIR
DIR holds one checkpoint folder per case and ours.json ({"ids": [...], case: flat logits}),
as written by org.loralab.engine.model.ReferenceCases (test sources; its Javadoc has the commands). Needs torch and transformers; prints the largest
absolute logit difference per case and exits 1 if any exceeds the tolerance.
"""
import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

TOLERANCE = 1e-4

root = Path(sys.argv[1])
ours = json.loads((root / "ours.json").read_text())
ids = torch.tensor([ours["ids"]])
worst = 0.0
for case, flat in ours.items():
    if case == "ids":
        continue
    model = AutoModelForCausalLM.from_pretrained(root / case, torch_dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        ref = model(ids).logits[0]
    mine = torch.tensor(flat).reshape(ref.shape)
    diff = (ref - mine).abs().max().item()
    worst = max(worst, diff)
    same_argmax = bool((ref.argmax(-1) == mine.argmax(-1)).all())
    tok = AutoTokenizer.from_pretrained(root / case)
    roundtrip = tok.decode(tok("Hello 大阪")["input_ids"]) == "Hello 大阪"
    print(f"{case:18s} {type(model).__name__:20s} max|diff|={diff:.2e} argmax_equal={same_argmax} tokenizer_roundtrip={roundtrip}")
print(f"worst {worst:.2e} (tolerance {TOLERANCE})")
sys.exit(0 if worst <= TOLERANCE else 1)
