"""Side-by-side VAE epoch times: `vae train` against the same model in PyTorch (bench/reference/pytorch_vae.py,
pytorch_conv_vae.py), in one session, on one machine.

Runs every configuration once per round, rotating the order from round to round so that a slow spell of a shared
machine does not land on one configuration only, then prints a Markdown table of the median seconds of the first
epoch and of the later epochs (the steady state), each run's peak memory, and the ratio of VaeSharp's best steady
epoch to PyTorch's best.

    /usr/bin/python3 bench/reference/side_by_side.py --rounds 3 --epochs 3                  the seeds' MLP VAE
    /usr/bin/python3 bench/reference/side_by_side.py --model conv --train-limit 10000       the conv VAE
    /usr/bin/python3 bench/reference/side_by_side.py --scaling                              the scaling table
    /usr/bin/python3 bench/reference/side_by_side.py --nll 5000 --nll-limit 1000            IS-NLL evaluation time
    /usr/bin/python3 bench/reference/side_by_side.py --nll 5000 --nll-best                  the same over all 10,000 test images, each side's fastest only

PyTorch configurations (Debian's python3-torch 1.13): OpenBLAS's pthreads build and its OpenMP build (Debian's
libopenblas0-pthread / libopenblas0-openmp, chosen per run through LD_LIBRARY_PATH), each "tuned": glibc's malloc kept
from returning memory to the kernel (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_), OpenBLAS told to use its AVX-512
kernels (OPENBLAS_CORETYPE=SKYLAKEX, on a CPU with AVX-512; OpenBLAS 0.3.21 misdetects recent CPUs) and, on two
threads, OpenMP's workers sleeping instead of spinning (OMP_WAIT_POLICY=PASSIVE); `--as-installed` adds the
untuned defaults. Every PyTorch run prints which BLAS it really loaded and OpenBLAS's kernel ("blas:" line); the
script refuses to report a ratio unless that is OpenBLAS on its fast kernels for this CPU.
Needs: the .NET SDK (it builds the CLI first), python3-torch, MNIST in the VaeSharp data cache (`vae data fetch mnist`).
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = "/usr/lib/x86_64-linux-gnu"
MALLOC = {"MALLOC_MMAP_THRESHOLD_": "1000000000", "MALLOC_TRIM_THRESHOLD_": "1000000000"}
FAST_AVX512 = {"SkylakeX", "Cooperlake", "SapphireRapids"}
FAST_AVX2 = FAST_AVX512 | {"Haswell", "Zen", "SkylakeX"}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def cpu_model():
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = dict((k.strip(), v.strip()) for k, _, v in (l.partition(":") for l in out.splitlines()) if v)
    return f"{fields.get('Model name', '?')} (vendor {fields.get('Vendor ID', '?')}, family {fields.get('CPU family', '?')}, model {fields.get('Model', '?')}, {fields.get('CPU(s)', '?')} CPUs)"


def torch_configurations(threads_list, as_installed):
    avx512 = "avx512f" in cpu_flags()
    tuned = dict(MALLOC, **({"OPENBLAS_CORETYPE": "SKYLAKEX"} if avx512 else {}))
    for threads in threads_list:
        for build in ("openmp", "pthread"):
            folder = os.path.join(LIB, f"openblas-{build}")
            if not os.path.isdir(folder):
                print(f"note: {folder} is missing (apt-get install libopenblas0-{build}); that configuration is left out", file=sys.stderr)
                continue
            env = dict(tuned, LD_LIBRARY_PATH=folder, **({"OMP_WAIT_POLICY": "PASSIVE"} if threads > 1 else {}))
            yield f"PyTorch 1.13, OpenBLAS {build}, {threads} thread{'s' if threads > 1 else ''}, tuned", threads, env
        if as_installed:
            yield f"PyTorch 1.13, {threads} thread{'s' if threads > 1 else ''}, as installed", threads, {}


def configurations(cli_dll, args, model_args, threads_list=(2, 1), torch_threads=(1, 2)):
    out = tempfile.mkdtemp(prefix="vaesharp-side-by-side-")
    script = os.path.join(ROOT, "bench", "reference", "pytorch_conv_vae.py" if args.model == "conv" else "pytorch_vae.py")
    ours = ["--arch", "conv"] if args.model == "conv" else []
    for threads in threads_list:
        run = os.path.join(out, f"t{threads}-{len(os.listdir(out))}")
        yield (f"VaeSharp, {threads} thread{'s' if threads > 1 else ''}", "vaesharp",
               ["dotnet", cli_dll, "train", *ours, *model_args, "--threads", str(threads), "--json", "--overwrite", "--out", run], {})
    for name, threads, env in torch_configurations(torch_threads, args.as_installed):
        yield name, "torch", ["/usr/bin/python3", script, *model_args, "--threads", str(threads)], env


def run(command, env):
    """Runs a command; returns (stdout, stderr, peak resident memory in MB) — the peak from the child's own rusage."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, **env), stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0); err.seek(0)
        stdout, stderr = out.read(), err.read()
    if p.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({p.returncode}):\n{stdout}\n{stderr}")
    return stdout, stderr, usage.ru_maxrss / 1024


def check_blas(name, stdout):
    line = next((l for l in stdout.splitlines() if l.startswith("blas: ")), None)
    if line is None:
        sys.exit(f"{name}: the PyTorch script printed no 'blas:' line; cannot tell which BLAS ran")
    info = json.loads(line[6:])
    fast = FAST_AVX512 if "avx512f" in cpu_flags() else FAST_AVX2
    if not any("openblas" in lib for lib in info["libraries"]) or info.get("corename") not in fast:
        sys.exit(f"{name}: PyTorch is not on OpenBLAS's fast kernels for this CPU ({info}); no ratio is reported. "
                 "Install libopenblas0-pthread / libopenblas0-openmp and check OPENBLAS_CORETYPE.")
    return info


def epoch_seconds(name, kind, command, env, epochs):
    stdout, _, peak = run(command + ["--epochs", str(epochs)], env)
    if kind == "vaesharp":
        seconds = [e["seconds"] for e in json.loads(stdout)["epochs"]]
        return seconds, peak, None
    info = check_blas(name, stdout)
    return [float(s) for s in re.findall(r"\|\s*([0-9.]+) s\s+[0-9]+ examples/s", stdout)], peak, info


def measure(configs, rounds, epochs, quiet=False):
    first = {name: [] for name, *_ in configs}
    steady = {name: [] for name, *_ in configs}
    peaks = {name: 0.0 for name, *_ in configs}
    blas = {}
    for r in range(rounds):
        shift = r % len(configs)
        for name, kind, command, env in configs[shift:] + configs[:shift]:
            seconds, peak, info = epoch_seconds(name, kind, command, env, epochs)
            if len(seconds) != epochs:
                sys.exit(f"{name}: expected {epochs} epoch times, got {seconds}")
            first[name].append(seconds[0])
            steady[name].extend(seconds[1:])
            peaks[name] = max(peaks[name], peak)
            if info:
                blas[name] = info
            if not quiet:
                print(f"round {r + 1}: {name}: " + ", ".join(f"{s:.2f}" for s in seconds) + f"  (peak {peak:.0f} MB)", file=sys.stderr, flush=True)
    return first, steady, peaks, blas


def best(steady, configs, kind):
    name = min((n for n, k, *_ in configs if k == kind), key=lambda n: statistics.median(steady[n]))
    return name, statistics.median(steady[name])


def build_cli():
    build = subprocess.run(["dotnet", "build", "-c", "Release", "src/VaeSharp.Cli", "-v", "quiet", "-nologo"], cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(f"dotnet build failed:\n{build.stdout}\n{build.stderr}")
    return os.path.join(ROOT, "src", "VaeSharp.Cli", "bin", "Release", "net10.0", "vae.dll")


def model_arguments(args, batch=None, hidden=None, latent=None):
    out = ["--batch-size", str(batch or args.batch_size)]
    if hidden or args.hidden:
        out += ["--hidden", str(hidden or args.hidden)]
    if latent or args.latent_dim:
        out += ["--latent-dim", str(latent or args.latent_dim)]
    if args.model == "conv" and not (hidden or args.hidden):
        out += ["--hidden", "256"]
    if args.model == "conv" and not (latent or args.latent_dim):
        out += ["--latent-dim", "16"]
    if args.train_limit:
        out += ["--train-limit", str(args.train_limit)]
    return out


def main_table(args, cli_dll):
    configs = list(configurations(cli_dll, args, model_arguments(args)))
    first, steady, peaks, blas = measure(configs, args.rounds, args.epochs)
    examples = args.train_limit or 60000
    print(f"CPU: {cpu_model()}")
    for name, info in blas.items():
        print(f"{name}: {info['config']}; kernel {info['corename']}; OpenBLAS threads {info.get('openblas_threads', '?')}; "
              f"SGEMM 512³ {info['sgemm_512_gflops_1_thread']} GFLOP/s with torch.set_num_threads(1)")
    print(f"\n{args.model} VAE, batch {args.batch_size}, {examples} training images per epoch\n")
    print(f"| | epoch 1 (median of {args.rounds}) | later epochs (median of {args.rounds * (args.epochs - 1)}) | peak memory |")
    print("|---|---:|---:|---:|")
    for name, *_ in configs:
        print(f"| {name} | {statistics.median(first[name]):.2f} s | {statistics.median(steady[name]):.2f} s | {peaks[name]:.0f} MB |")
    ours_name, ours = best(steady, configs, "vaesharp")
    theirs_name, theirs = best(steady, configs, "torch")
    print(f"\nBest steady epoch: VaeSharp {ours:.2f} s ({ours_name}), PyTorch {theirs:.2f} s ({theirs_name}): ratio {ours / theirs:.2f}")


def scaling_table(args, cli_dll):
    sweeps = [("batch size", b, dict(batch=b)) for b in (32, 128, 512, 1024)] + \
             [("hidden width", h, dict(hidden=h)) for h in (400, 1024, 2048)] + \
             [("latent size", d, dict(latent=d)) for d in (2, 20, 64, 256)]
    print(f"CPU: {cpu_model()}")
    print(f"\n{args.model} VAE, {args.train_limit or 60000} training images per epoch; others at batch {args.batch_size}, hidden 400, latent 20; "
          f"steady epoch (median of {args.rounds * (args.epochs - 1)}); VaeSharp on 1 and 2 threads, PyTorch's tuned OpenBLAS builds on 1 and 2 threads, the best of each shown\n")
    print("| varied | value | VaeSharp (best) | PyTorch (best) | ratio | VaeSharp peak | PyTorch peak |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for what, value, kw in sweeps:
        configs = list(configurations(cli_dll, args, model_arguments(args, **kw), threads_list=(2, 1), torch_threads=(1, 2)))
        _, steady, peaks, _ = measure(configs, args.rounds, args.epochs, quiet=True)
        ours_name, ours = best(steady, configs, "vaesharp")
        theirs_name, theirs = best(steady, configs, "torch")
        short = re.sub(r"PyTorch 1.13, |, tuned", "", theirs_name)
        mine = ours_name.replace("VaeSharp, ", "")
        print(f"| {what} | {value} | {ours:.2f} s ({mine}) | {theirs:.2f} s ({short}) | {ours / theirs:.2f} | {peaks[ours_name]:.0f} MB | {peaks[theirs_name]:.0f} MB |", flush=True)


def nll_table(args, cli_dll):
    folder = tempfile.mkdtemp(prefix="vaesharp-side-by-side-nll-")
    model_run = os.path.join(folder, "run")
    run(["dotnet", cli_dll, "train", "--epochs", "1", "--out", model_run], {})
    print(f"CPU: {cpu_model()}")
    print(f"\nIS-NLL, k = {args.nll}, first {args.nll_limit} test images, the default MLP after one epoch\n")
    print("| | seconds | NLL (nats) |")
    print("|---|---:|---:|")
    # --nll-best: only the configurations that were each side's fastest over 500 images (VaeSharp on 2 threads, PyTorch on
    # the pthreads OpenBLAS with 1 thread: its own pool of 2), for the full test set within a few minutes.
    for threads in ((2,) if args.nll_best else (2, 1)):
        stdout, _, _ = run(["dotnet", cli_dll, "eval", model_run, "--nll", "--k", str(args.nll), "--limit", str(args.nll_limit), "--threads", str(threads), "--json"], {})
        result = json.loads(stdout)
        print(f"| VaeSharp, {threads} thread{'s' if threads > 1 else ''} | {result['nll_seconds']:.2f} s | {result['nll']:.2f} |", flush=True)
    script = os.path.join(ROOT, "bench", "reference", "pytorch_vae.py")
    for name, threads, env in torch_configurations((1, 2), False):
        if args.nll_best and not (threads == 1 and "pthread" in name):
            continue
        stdout, _, _ = run(["/usr/bin/python3", script, "--load", model_run, "--nll-k", str(args.nll), "--nll-limit", str(args.nll_limit), "--threads", str(threads)], env)
        check_blas(name, stdout)
        m = re.search(r"IS-NLL k=\d+ over \d+ test images: ([0-9.]+) nats\s+\|\s+([0-9.]+) s", stdout)
        print(f"| {name} | {float(m.group(2)):.2f} s | {float(m.group(1)):.2f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--model", choices=("mlp", "conv"), default="mlp")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=0, help="hidden width (default: the model's, 400 MLP / 256 conv)")
    ap.add_argument("--latent-dim", type=int, default=0, help="latent size (default: 20 MLP / 16 conv)")
    ap.add_argument("--train-limit", type=int, default=0, help="epochs over the first N training images")
    ap.add_argument("--as-installed", action="store_true", help="also PyTorch without any tuning")
    ap.add_argument("--scaling", action="store_true", help="the scaling table: batch size, hidden width, latent size")
    ap.add_argument("--nll", type=int, default=0, help="time the importance-sampled NLL with this many samples instead")
    ap.add_argument("--nll-limit", type=int, default=10000, help="with --nll: the first N test images")
    ap.add_argument("--nll-best", action="store_true", help="with --nll: only each side's fastest configuration over 500 images (VaeSharp 2 threads, PyTorch pthreads OpenBLAS 1 thread)")
    args = ap.parse_args()
    if args.epochs < 2:
        sys.exit("--epochs must be at least 2 (the first epoch includes JIT compilation and warm-up)")
    cli_dll = build_cli()
    if args.nll:
        nll_table(args, cli_dll)
    elif args.scaling:
        scaling_table(args, cli_dll)
    else:
        main_table(args, cli_dll)


if __name__ == "__main__":
    main()
