#!/usr/bin/env python3
"""VaeSharp's conv VAE in PyTorch, for side-by-side timing with `vae train --arch conv` on the same machine.

Same model as `vae train --arch conv --hidden 256 --latent-dim 16` (channels 32,64, kernel 3, ReLU):
  encoder_conv  Conv2d(1→32, k3, s2, p1) ReLU, Conv2d(32→64, k3, s2, p1) ReLU, Flatten     28² → 14² → 7²
  encoder       Linear(3136→256) ReLU;  fc_mu, fc_logvar  Linear(256→16)
  decoder       Linear(16→256) ReLU, Linear(256→3136) ReLU
  decoder_conv  Unflatten(64, 7, 7), ConvTranspose2d(64→32, k3, s2, p1, op1) ReLU,
                ConvTranspose2d(32→32, k3, s2, p1, op1) ReLU, ConvTranspose2d(32→1, k3, s1, p1)   → logits
PyTorch's default initialisation, Bernoulli likelihood (BCE-with-logits summed over pixels) + analytic KL,
Adam 1e-3, batch 128, seed 1, and the state_dict names VaeSharp writes (encoder_conv.0/2, encoder.0, fc_mu,
fc_logvar, decoder.0/1, decoder_conv.1/3/5).

Reads the MNIST idx files from VaeSharp's cache (fetch with `vae data fetch mnist`).
Uses Debian's python3-torch (not the pyenv python3 first on PATH):
  /usr/bin/python3 bench/reference/pytorch_conv_vae.py --epochs 1 --threads 2     a real epoch, then the test loss
  /usr/bin/python3 bench/reference/pytorch_conv_vae.py --steps 20 --threads 1     times 20 steps, projects an epoch
PyTorch's best configuration on the shared 2-core VMs (docs/benchmarks.md): one thread, and glibc's malloc
kept from unmapping large blocks, else every step pays page faults (up to 4x slower on a loaded machine):
  MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000 /usr/bin/python3 ... --threads 1
With two threads add OMP_WAIT_POLICY=PASSIVE: spinning OpenMP workers collapse when a neighbour holds a core.
"""
import argparse, json, math, os, time

import torch
import torch.nn as nn
import torch.nn.functional as F


from pytorch_vae import blas_info, find, load_safetensors, peak_rss_mb, read_idx  # the same idx reading as the MLP reference (same folder)


class ConvVAE(nn.Module):
    def __init__(self, hidden=256, latent=16):
        super().__init__()
        self.encoder_conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten())
        self.encoder = nn.ModuleList([nn.Linear(64 * 7 * 7, hidden)])
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.decoder = nn.ModuleList([nn.Linear(latent, hidden), nn.Linear(hidden, 64 * 7 * 7)])
        self.decoder_conv = nn.Sequential(
            nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1))

    def encode(self, x):
        h = F.relu(self.encoder[0](self.encoder_conv(x)))
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar):
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode(self, z):
        h = F.relu(self.decoder[1](F.relu(self.decoder[0](z))))
        return self.decoder_conv(h)  # logits, (N, 1, 28, 28)

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def loss_function(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())  # Kingma & Welling 2014, App. B
    return bce, kld


def train_step(model, opt, x):
    opt.zero_grad()
    logits, mu, logvar = model(x)
    bce, kld = loss_function(logits, x, mu, logvar)
    loss = bce + kld
    loss.backward()
    opt.step()
    return loss, bce, kld


def time_steps(model, opt, train_x, args):
    """--steps N: after a time-based warm-up, the median of 5 rounds of N steps, projected to an epoch."""
    batches = math.ceil(len(train_x) / args.batch_size)
    perm = torch.randperm(len(train_x))
    batch = lambda s: train_x[perm[(s % batches) * args.batch_size:][:args.batch_size]]
    start, s = time.perf_counter(), 0
    while time.perf_counter() - start < 3.0:
        train_step(model, opt, batch(s)); s += 1
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(args.steps):
            loss, _, _ = train_step(model, opt, batch(s)); s += 1
        loss.item()
        rounds.append((time.perf_counter() - start) / args.steps)
    step = sorted(rounds)[2]
    print(f"conv VAE, batch {args.batch_size}, {torch.get_num_threads()} threads: full step {step * 1000:.2f} ms "
          f"(rounds {', '.join(f'{r * 1000:.1f}' for r in rounds)}) → {args.batch_size / step:.0f} examples/s, "
          f"≈ {step * batches:.2f} s per MNIST epoch ({batches} steps, projected)", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--steps", type=int, default=0, help="time this many steps per round instead of training epochs")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--latent-dim", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir", default=os.path.join(os.environ.get("VAESHARP_DATA", os.path.expanduser("~/.cache/vaesharp")), "mnist"))
    ap.add_argument("--load", help="a VaeSharp run folder: load its model.safetensors and evaluate it")
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N training images only")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    train_x = read_idx(find(args.data_dir, "train-images-idx3-ubyte")).float().div_(255).view(-1, 1, 28, 28)
    test_x = read_idx(find(args.data_dir, "t10k-images-idx3-ubyte")).float().div_(255).view(-1, 1, 28, 28)
    if args.train_limit > 0:
        train_x = train_x[:args.train_limit]
    model = ConvVAE(args.hidden, args.latent_dim)
    if args.load:
        model.load_state_dict(load_safetensors(os.path.join(args.load, "model.safetensors")))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    print("blas: " + json.dumps(blas_info()), flush=True)
    if args.steps > 0:
        time_steps(model, opt, train_x, args)
        return

    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(len(train_x))
        tot = rec = kl = 0.0
        for i in range(0, len(train_x), args.batch_size):
            loss, bce, kld = train_step(model, opt, train_x[perm[i:i + args.batch_size]])
            tot += loss.item(); rec += bce.item(); kl += kld.item()
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            test = 0.0
            for i in range(0, len(test_x), 1000):
                x = test_x[i:i + 1000]
                logits, mu, logvar = model(x)
                bce, kld = loss_function(logits, x, mu, logvar)
                test += (bce + kld).item()
        n = len(train_x)
        print(f"Epoch {epoch}/{args.epochs}  Loss {tot / n:.4f}  Reconstruction Loss {rec / n:.4f}  KL Loss {kl / n:.4f}  "
              f"| Test Loss {test / len(test_x):.4f}  | {seconds:.2f} s  {n / seconds:.0f} examples/s", flush=True)
    print(f"peak memory {peak_rss_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    main()
