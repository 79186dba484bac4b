"""Side-by-side MLP VAE epoch times: `vae train` against bench/reference/pytorch_vae.py, in one session.

Runs every configuration once per round, rotating the order from round to round so that a slow spell of
this shared machine does not land on one configuration only, then prints a Markdown table of the median
seconds of the first epoch and of the later epochs (the steady state), and the ratio of VaeSharp's best
steady epoch to PyTorch's best.

    /usr/bin/python3 bench/reference/side_by_side.py --rounds 3 --epochs 3

PyTorch configurations: Debian's python3-torch as installed, and tuned — glibc's malloc kept from
returning memory to the kernel (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_) and OpenBLAS told to use its
AVX-512 kernels (OPENBLAS_CORETYPE=SKYLAKEX; it picks its AVX2 ones on this CPU by itself); on two threads
also with OpenMP's workers sleeping instead of spinning (OMP_WAIT_POLICY=PASSIVE).
Needs: the .NET SDK (it builds the CLI first), Debian's python3-torch, MNIST in the VaeSharp data cache
(`vae data fetch mnist`).
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_TUNED = {"MALLOC_MMAP_THRESHOLD_": "1000000000", "MALLOC_TRIM_THRESHOLD_": "1000000000", "OPENBLAS_CORETYPE": "SKYLAKEX"}


def configurations(cli_dll):
    torch_script = os.path.join(ROOT, "bench", "reference", "pytorch_vae.py")
    out = tempfile.mkdtemp(prefix="vaesharp-side-by-side-")
    for threads in (2, 1):
        yield (f"VaeSharp, {threads} threads", "vaesharp",
               ["dotnet", cli_dll, "train", "--threads", str(threads), "--json", "--out", os.path.join(out, f"t{threads}")], {})
    for threads in (1, 2):
        env = dict(TORCH_TUNED, **({"OMP_WAIT_POLICY": "PASSIVE"} if threads == 2 else {}))
        yield (f"PyTorch 1.13, {threads} thread{'s' if threads > 1 else ''}, tuned", "torch",
               ["/usr/bin/python3", torch_script, "--threads", str(threads)], env)
        yield (f"PyTorch 1.13, {threads} thread{'s' if threads > 1 else ''}, as installed", "torch",
               ["/usr/bin/python3", torch_script, "--threads", str(threads)], {})


def epoch_seconds(kind, command, env, epochs):
    full_env = dict(os.environ, **env)
    result = subprocess.run(command + ["--epochs", str(epochs)], cwd=ROOT, env=full_env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    if kind == "vaesharp":
        return [e["seconds"] for e in json.loads(result.stdout)["epochs"]]
    return [float(s) for s in re.findall(r"\|\s*([0-9.]+) s\s+[0-9]+ examples/s", result.stdout)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args()
    if args.epochs < 2:
        sys.exit("--epochs must be at least 2 (the first epoch includes JIT compilation and warm-up)")

    build = subprocess.run(["dotnet", "build", "-c", "Release", "src/VaeSharp.Cli", "-v", "quiet", "-nologo"], cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(f"dotnet build failed:\n{build.stdout}\n{build.stderr}")
    cli_dll = os.path.join(ROOT, "src", "VaeSharp.Cli", "bin", "Release", "net10.0", "vae.dll")

    configs = list(configurations(cli_dll))
    first = {name: [] for name, *_ in configs}
    steady = {name: [] for name, *_ in configs}
    for r in range(args.rounds):
        shift = r % len(configs)
        for name, kind, command, env in configs[shift:] + configs[:shift]:
            seconds = epoch_seconds(kind, command, env, args.epochs)
            if len(seconds) != args.epochs:
                sys.exit(f"{name}: expected {args.epochs} epoch times, got {seconds}")
            first[name].append(seconds[0])
            steady[name].extend(seconds[1:])
            print(f"round {r + 1}: {name}: " + ", ".join(f"{s:.2f}" for s in seconds), file=sys.stderr, flush=True)

    print(f"| | epoch 1 (median of {args.rounds}) | later epochs (median of {args.rounds * (args.epochs - 1)}) |")
    print("|---|---:|---:|")
    for name, *_ in configs:
        print(f"| {name} | {statistics.median(first[name]):.2f} s | {statistics.median(steady[name]):.2f} s |")
    ours = min(statistics.median(steady[n]) for n, k, *_ in configs if k == "vaesharp")
    theirs = min(statistics.median(steady[n]) for n, k, *_ in configs if k == "torch")
    print(f"\nBest steady epoch: VaeSharp {ours:.2f} s, PyTorch {theirs:.2f} s: ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
