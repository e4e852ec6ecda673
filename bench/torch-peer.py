"""The same models as Evolab's, trained with PyTorch on the CPU at a given thread count, for the bench's side by side.
Prints one JSON object.

- transformer: the text LM (pre-LN, 4x GELU MLP, learned positions, untied head), Adam, next-token cross-entropy;
- mlp: the policy-value network (tanh trunk, action-logit and value heads), Adam, an actor-critic loss;
- classifier: the classifier (ELU hidden layers, one logit per class), plain SGD as Evolab trains it, cross-entropy.
Every one clips the global gradient norm to 1, as Evolab's training step does.

Usage: python3 bench/torch-peer.py --model transformer --width 64 --layers 2 --heads 4 --ctx 32 --batch 32 --vocab 16
       python3 bench/torch-peer.py --model mlp --inputs 64 --hidden 128,128 --outputs 8 --batch 256 --threads 2
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


class PolicyValue(nn.Module):
    """Evolab's policies/mlp.ts: a tanh trunk, then action logits and a scalar value from the last hidden layer."""

    def __init__(self, inputs, hidden, actions):
        super().__init__()
        sizes = [inputs, *hidden]
        self.trunk = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.pi = nn.Linear(sizes[-1], actions)
        self.v = nn.Linear(sizes[-1], 1)

    def forward(self, x):
        for layer in self.trunk:
            x = torch.tanh(layer(x))
        return self.pi(x), self.v(x).squeeze(-1)


class Classifier(nn.Module):
    """Evolab's policies/classifier.ts: ELU hidden layers and one logit per class."""

    def __init__(self, inputs, hidden, classes):
        super().__init__()
        sizes = [inputs, *hidden, classes]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.elu(layer(x))
        return self.layers[-1](x)


def build(a):
    """The model, its optimiser, the loss of one step, and how many items (tokens or rows) a step trains on."""
    if a.model == "transformer":
        model = Model(a.vocab, a.width, a.layers, a.heads, a.ctx)
        data = torch.randint(3, a.vocab, (a.batch, a.ctx))
        inp, tgt = data[:, :-1], data[:, 1:]
        loss = lambda: F.cross_entropy(model(inp).reshape(-1, a.vocab), tgt.reshape(-1))  # noqa: E731
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99)), loss, a.batch * (a.ctx - 1)
    hidden = [int(h) for h in a.hidden.split(",")]
    x = torch.randn(a.batch, a.inputs)
    if a.model == "mlp":
        model = PolicyValue(a.inputs, hidden, a.outputs)
        actions = torch.randint(0, a.outputs, (a.batch,))
        returns = torch.randn(a.batch)

        def loss():
            logits, value = model(x)
            picked = logits.log_softmax(-1).gather(1, actions[:, None]).squeeze(1)
            return -(picked * returns).mean() + 0.5 * ((returns - value) ** 2).mean()

        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99)), loss, a.batch
    model = Classifier(a.inputs, hidden, a.outputs)
    labels = torch.randint(0, a.outputs, (a.batch,))
    return model, torch.optim.SGD(model.parameters(), lr=1e-2), lambda: F.cross_entropy(model(x), labels), a.batch


def main():
    p = argparse.ArgumentParser()
    for name, default in [("width", 64), ("layers", 2), ("heads", 4), ("ctx", 32), ("batch", 32), ("vocab", 16), ("steps", 20)]:
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--model", choices=["transformer", "mlp", "classifier"], default="transformer")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--inputs", type=int, default=64)
    p.add_argument("--hidden", default="128,128")
    p.add_argument("--outputs", type=int, default=8)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, opt, loss_of, items = build(a)

    def step():
        loss = loss_of()
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
    median = sorted(times)[len(times) // 2]
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "model": a.model,
                "threads": torch.get_num_threads(),
                "step_ms": dt * 1000,
                "median_step_ms": median * 1000,
                # Tokens for the transformer, rows for the others: what the TypeScript side counts too.
                "tokens_per_s": items / dt,
            }
        )
    )


if __name__ == "__main__":
    main()
