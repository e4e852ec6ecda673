"""The same transformer as Evolab's policy (pre-LN, 4x GELU MLP, learned positions, untied head, Adam), trained with
PyTorch on the CPU, one thread, for the bench's tokens/s comparison. Prints one JSON object.

Usage: python3 bench/torch-peer.py --width 64 --layers 2 --heads 4 --ctx 32 --batch 32 --vocab 16 --steps 20
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # the bench reports this and skips the row
    print(json.dumps({"error": f"torch is not importable: {e}"}))
    sys.exit(0)


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        shape = (b, t, self.h, d // self.h)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.h) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))


class Model(nn.Module):
    def __init__(self, vocab, d, layers, heads, ctx):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, idx):
        t = idx.shape[1]
        mask = torch.full((t, t), -1e9).triu(1)
        x = self.tok(idx) + self.pos(torch.arange(t))
        for blk in self.blocks:
            x = blk(x, mask)
        return self.head(self.lnf(x))


def main():
    p = argparse.ArgumentParser()
    for name, default in [("width", 64), ("layers", 2), ("heads", 4), ("ctx", 32), ("batch", 32), ("vocab", 16), ("steps", 20)]:
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = Model(a.vocab, a.width, a.layers, a.heads, a.ctx)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
    data = torch.randint(3, a.vocab, (a.batch, a.ctx))
    inp, tgt = data[:, :-1], data[:, 1:]

    def step():
        loss = F.cross_entropy(model(inp).reshape(-1, a.vocab), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    # Best of N, as the TypeScript bench does: the machine may be shared.
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    dt = min(times)
    tokens = a.batch * (a.ctx - 1)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "step_ms": dt * 1000, "tokens_per_s": tokens / dt}))


if __name__ == "__main__":
    main()
