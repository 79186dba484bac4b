#!/usr/bin/env python3
"""The seeds' MLP VAE in PyTorch, for side-by-side timing with `vae train` on the same machine.

Same model (784-400-20-400-784, ReLU, Bernoulli/BCE summed over pixels + analytic KL), same
settings (batch 128, Adam 1e-3, seed 1) and the same state_dict names VaeSharp writes
(encoder.0, fc_mu, fc_logvar, decoder.0, decoder.1), so a VaeSharp model.safetensors loads here
with `load_state_dict` as is (see --load).

Reads the MNIST idx files from VaeSharp's cache (fetch with `vae data fetch mnist`).
Uses Debian's python3-torch:  /usr/bin/python3 bench/reference/pytorch_vae.py --epochs 3 --threads 2
"""
import argparse, gzip, os, struct, time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


def find(folder, name):
    for candidate in (name, name + ".gz"):
        p = os.path.join(folder, candidate)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{os.path.join(folder, name)} not found: run `vae data fetch mnist` first or pass --data-dir")


def load_safetensors(path):
    """A minimal safetensors reader (8-byte header length, JSON header, little-endian F32 data), so that
    no extra package is needed; `safetensors.torch.load_file` gives the same dict."""
    import json
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info
        begin, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32).reshape(info["shape"])
    return out


class VAE(nn.Module):
    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.encoder = nn.ModuleList([nn.Linear(784, hidden)])
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.decoder = nn.ModuleList([nn.Linear(latent, hidden), nn.Linear(hidden, 784)])

    def encode(self, x):
        h = F.relu(self.encoder[0](x))
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar):
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode(self, z):
        return self.decoder[1](F.relu(self.decoder[0](z)))  # logits

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def loss_function(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, App. B
    return bce, kld


def test_loss(model, test_x):
    """Per-example −ELBO over the test set (one sample of z per image), as VaeSharp's `vae eval` reports it."""
    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(test_x), 1000):
            x = test_x[i:i + 1000]
            logits, mu, logvar = model(x)
            bce, kld = loss_function(logits, x, mu, logvar)
            total += (bce + kld).item()
    return total / len(test_x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir", default=os.path.join(os.environ.get("VAESHARP_DATA", os.path.expanduser("~/.cache/vaesharp")), "mnist"))
    ap.add_argument("--load", help="a VaeSharp run folder: load its model.safetensors and evaluate it")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    train_x = read_idx(find(args.data_dir, "train-images-idx3-ubyte")).float().div_(255).view(-1, 784)
    test_x = read_idx(find(args.data_dir, "t10k-images-idx3-ubyte")).float().div_(255).view(-1, 784)
    model = VAE()
    if args.load:
        model.load_state_dict(load_safetensors(os.path.join(args.load, "model.safetensors")))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if args.load:
        print(f"Loaded {args.load}: test loss {test_loss(model, test_x):.4f} (one sample of z per image)")
        return

    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(len(train_x))
        tot = rec = kl = 0.0
        for i in range(0, len(train_x), args.batch_size):
            x = train_x[perm[i:i + args.batch_size]]
            opt.zero_grad()
            logits, mu, logvar = model(x)
            bce, kld = loss_function(logits, x, mu, logvar)
            loss = bce + kld
            loss.backward()
            opt.step()
            tot += loss.item(); rec += bce.item(); kl += kld.item()
        seconds = time.perf_counter() - start
        n = len(train_x)
        print(f"Epoch {epoch}/{args.epochs}  Loss {tot / n:.4f}  Reconstruction Loss {rec / n:.4f}  KL Loss {kl / n:.4f}  "
              f"| Test Loss {test_loss(model, test_x):.4f}  | {seconds:.2f} s  {n / seconds:.0f} examples/s", flush=True)


if __name__ == "__main__":
    main()
