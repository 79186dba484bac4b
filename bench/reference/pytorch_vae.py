#!/usr/bin/env python3
"""The seeds' MLP VAE in PyTorch, for side-by-side timing with `vae train` on the same machine.

Same model (784-400-20-400-784, ReLU, Bernoulli/BCE summed over pixels + analytic KL), same
settings (batch 128, Adam 1e-3, seed 1) and the same state_dict names VaeSharp writes
(encoder.0, fc_mu, fc_logvar, decoder.0, decoder.1), so a VaeSharp model.safetensors loads here
with `load_state_dict` as is (see --load).

Reads the MNIST idx files from VaeSharp's cache (fetch with `vae data fetch mnist`).
Uses Debian's python3-torch:  /usr/bin/python3 bench/reference/pytorch_vae.py --epochs 3 --threads 2
"""
import argparse, ctypes, gzip, json, math, os, struct, time

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


def blas_info():
    """Which BLAS this PyTorch really runs: the BLAS libraries mapped into the process, OpenBLAS's build
    configuration and the kernel it picked for this CPU (openblas_get_corename), and a measured single-thread
    512x512x512 SGEMM rate. side_by_side.py refuses to report a ratio unless this is OpenBLAS on its fast kernels."""
    torch.ones(2, 2) @ torch.ones(2, 2)   # make sure the BLAS is loaded
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    info = {"libraries": libs, "config": None, "corename": None}
    openblas = next((p for p in libs if "openblas" in os.path.basename(p) or "openblas" in p), None)
    if openblas:
        lib = ctypes.CDLL(openblas)
        for name in ("config", "corename"):
            fn = getattr(lib, f"openblas_get_{name}", None)
            if fn is not None:
                fn.restype = ctypes.c_char_p
                info[name] = fn().decode()
        # OpenBLAS's own thread count: its pthreads build keeps its own pool, whatever torch.set_num_threads says.
        fn = getattr(lib, "openblas_get_num_threads", None)
        if fn is not None:
            fn.restype = ctypes.c_int
            info["openblas_threads"] = fn()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    a = torch.randn(512, 512)
    for _ in range(3):
        a @ a
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.3:
        a @ a
        reps += 1
    info["sgemm_512_gflops_1_thread"] = round(reps * 2 * 512 ** 3 / (time.perf_counter() - start) / 1e9, 1)
    torch.set_num_threads(threads)
    return info


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def is_nll(model, test_x, k, chunk=500):
    """Importance-sampled −log p(x) in nats (Burda et al. 2016), k samples of q(z|x) per image, as `vae eval --nll`."""
    model.eval()
    total = 0.0
    log_k = math.log(k)
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    with torch.no_grad():
        for x in test_x:
            x = x.view(1, 784)
            mu, logvar = model.encode(x)
            std = torch.exp(0.5 * logvar)
            weights = []
            for start in range(0, k, chunk):
                n = min(chunk, k - start)
                eps = torch.randn(n, mu.shape[1])
                z = mu + std * eps
                logits = model.decode(z)
                log_px = -F.binary_cross_entropy_with_logits(logits, x.expand(n, 784), reduction="none").sum(1)
                log_pz = (-0.5 * z.pow(2) - half_log_2pi).sum(1)
                log_qz = (-0.5 * eps.pow(2) - 0.5 * logvar - half_log_2pi).sum(1)
                weights.append(log_px + log_pz - log_qz)
            total += -(torch.logsumexp(torch.cat(weights), 0).item() - log_k)
    return total / len(test_x)


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
    ap.add_argument("--hidden", type=int, default=400)
    ap.add_argument("--latent-dim", type=int, default=20)
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N training images only")
    ap.add_argument("--nll-k", type=int, default=0, help="with --load: time the importance-sampled NLL with k samples")
    ap.add_argument("--nll-limit", type=int, default=10000, help="with --nll-k: the first N test images")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    train_x = read_idx(find(args.data_dir, "train-images-idx3-ubyte")).float().div_(255).view(-1, 784)
    test_x = read_idx(find(args.data_dir, "t10k-images-idx3-ubyte")).float().div_(255).view(-1, 784)
    if args.train_limit > 0:
        train_x = train_x[:args.train_limit]
    model = VAE(args.hidden, args.latent_dim)
    if args.load:
        model.load_state_dict(load_safetensors(os.path.join(args.load, "model.safetensors")))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("blas: " + json.dumps(blas_info()), flush=True)
    if args.load and args.nll_k > 0:
        start = time.perf_counter()
        nll = is_nll(model, test_x[:args.nll_limit], args.nll_k)
        print(f"IS-NLL k={args.nll_k} over {min(args.nll_limit, len(test_x))} test images: {nll:.4f} nats  | {time.perf_counter() - start:.2f} s", flush=True)
        return
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
    print(f"peak memory {peak_rss_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    main()
