using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Training;

namespace VaeSharp.Cli.Commands;

// vae bench: times one training step of a model shape (forward, forward+backward, full step with Adam)
// on synthetic data and projects an MNIST epoch (60,000 examples).
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var arch = CommonOptions.Choice<NetworkBody>("--arch", "mlp (default) or conv.");
        var hidden = new Option<string?>("--hidden") { Description = "Hidden widths (default 400 for mlp, 256 for conv)." };
        var latent = new Option<int>("--latent-dim") { Description = "Latent dimension.", DefaultValueFactory = _ => 20 };
        var channels = new Option<string>("--channels") { Description = "Conv channels.", DefaultValueFactory = _ => "32,64" };
        var batch = new Option<int>("--batch-size") { Description = "Examples per step.", DefaultValueFactory = _ => 128 };
        var steps = new Option<int>("--steps") { Description = "Steps per timed round (median of 5 rounds).", DefaultValueFactory = _ => 20 };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var warmup = new Option<double>("--warmup") { Description = "Seconds of untimed steps first (tiered compilation settles in a few seconds).", DefaultValueFactory = _ => 3.0 };
        var data = new Option<string?>("--data") { Description = "With --profile: batches from this data set's training images (e.g. mnist) instead of synthetic values." };
        var dataDir = CommonOptions.DataDir();
        var profile = new Option<bool>("--profile") { Description = "Profile the training step: time per GEMM shape, op, loss, Adam, batching and framework, against the CPU's measured limits." };
        var cmd = new Command("bench", "Time one training step (forward, backward, Adam) and project the seconds per MNIST epoch.") { arch, hidden, latent, channels, batch, steps, threads, json, profile, warmup, data, dataDir };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            CommonOptions.Positive(p.GetValue(batch), "--batch-size");
            CommonOptions.Positive(p.GetValue(steps), "--steps");
            if (!(p.GetValue(warmup) >= 0)) throw new UsageException($"--warmup {p.GetValue(warmup).ToString(CultureInfo.InvariantCulture)}: expected seconds ≥ 0.");
            var body = p.GetValue(arch) is string a ? Serialization.ConfigJson.Parse<NetworkBody>(a, "--arch") : NetworkBody.Mlp;
            var config = new VaeConfig
            {
                Network = new NetworkConfig
                {
                    Body = body,
                    Hidden = CommonOptions.ParseWidths(p.GetValue(hidden) ?? (body == NetworkBody.Conv ? "256" : "400"), "--hidden"),
                    Channels = CommonOptions.ParseWidths(p.GetValue(channels)!, "--channels"),
                },
                LatentDim = p.GetValue(latent),
            };
            string archName = Serialization.ConfigJson.Name(body);
            if (p.GetValue(data) is not null && !p.GetValue(profile)) throw new UsageException("--data: only with --profile (the plain benchmark times synthetic batches).");
            if (p.GetValue(profile))
            {
                Data.IDataset? train = p.GetValue(data) is string name ? Data.DatasetCatalog.Load(name, p.GetValue(dataDir)).Train : null;
                if (train is not null) Data.BatchLoader.CheckShape(train, config.InputShape);
                var result = StepProfile.Run(config, new TrainingOptions { BatchSize = p.GetValue(batch) }, train, steps: Math.Max(p.GetValue(steps), 2) * 2, warmupSeconds: p.GetValue(warmup));
                if (p.GetValue(json)) console.Line(JsonSerializer.Serialize(ProfileJson(archName, result), JsonOut.Options));
                else PrintProfile(console, archName, result);
                return VaeCli.Ok;
            }
            var t = StepBenchmark.Run(config, p.GetValue(batch), p.GetValue(steps), warmupSeconds: p.GetValue(warmup));
            double epoch = t.FullStep / 1000.0 * Math.Ceiling(60000.0 / t.BatchSize);
            if (p.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(new { architecture = archName, batch_size = t.BatchSize, threads = Engine.EngineSettings.Threads,
                    gemm_kernel = Engine.Kernels.Gemm.Kernel, forward_ms = t.Forward, forward_backward_ms = t.ForwardBackward, step_ms = t.FullStep, examples_per_second = t.ExamplesPerSecond, mnist_epoch_seconds = epoch }, JsonOut.Options));
                return VaeCli.Ok;
            }
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"{archName} VAE, batch {t.BatchSize}, {Engine.EngineSettings.Threads} threads, GEMM {Engine.Kernels.Gemm.Kernel}: forward {t.Forward:F2} ms, forward+backward {t.ForwardBackward:F2} ms, " +
                $"full step {t.FullStep:F2} ms → {t.ExamplesPerSecond:F0} examples/s, ≈ {epoch:F2} s per MNIST epoch (60,000 examples)"));
            return VaeCli.Ok;
        }));
        return cmd;
    }

    private static object ProfileJson(string arch, StepProfileResult r) => new
    {
        architecture = arch, cpu = r.Cpu.Model, cpu_identity = r.Cpu.Identity, isa = r.Cpu.Isa, gemm_kernel = r.Cpu.GemmKernel,
        data = r.Data, threads = r.Threads, batch_size = r.BatchSize, steps = r.Steps, step_ms = r.StepMilliseconds, mean_step_ms = r.MeanStepMilliseconds, profiled_step_ms = r.ProfiledStepMilliseconds,
        allocated_bytes_per_step = r.AllocatedBytesPerStep, peak_gflops = r.PeakGflops, triad_gb_per_s = r.TriadGBs,
        gemm_ms = r.GemmMilliseconds, gemm_share = r.GemmShare, unaccounted_ms = r.UnaccountedMilliseconds,
        entries = r.Entries.Select(e => new { kind = e.Kind.ToString().ToLowerInvariant(), group = StepProfileResult.Group(e), name = e.Name, calls = e.Calls, ms = e.Seconds * 1000, gflops = e.Flops / 1e9, megabytes = e.Bytes / 1e6 }),
    };

    private static void PrintProfile(CliConsole console, string arch, StepProfileResult r)
    {
        var ic = CultureInfo.InvariantCulture;
        console.Line($"CPU: {r.Cpu}");
        console.Line(string.Create(ic, $"Limits measured on {r.Threads} threads: FMA peak {r.PeakGflops:F0} GFLOP/s, triad bandwidth {r.TriadGBs:F1} GB/s"));
        console.Line(string.Create(ic, $"{arch} VAE on {r.Data}, batch {r.BatchSize}: step {r.StepMilliseconds:F3} ms (median of {r.Steps}, mean {r.MeanStepMilliseconds:F3}; {r.ProfiledStepMilliseconds:F3} ms while profiling), " +
            $"{r.AllocatedBytesPerStep:N0} B allocated per step"));
        console.Line(string.Create(ic, $"GEMMs: {r.GemmMilliseconds:F3} ms of the step ({100 * r.GemmShare:F0} %), {r.GemmFlops / 1e9:F3} GFLOP at {r.GemmFlops / (r.GemmMilliseconds / 1000) / 1e9:F0} GFLOP/s " +
            $"({100 * r.GemmFlops / (r.GemmMilliseconds / 1000) / 1e9 / r.PeakGflops:F0} % of peak)"));
        console.Line("");
        console.Line("By group (ms per step, share of the profiled step):");
        foreach (var g in r.Entries.GroupBy(StepProfileResult.Group).Select(g => (Name: g.Key, Ms: g.Sum(e => e.Seconds) * 1000)).Append((Name: "unaccounted (loop, bookkeeping)", Ms: r.UnaccountedMilliseconds)).OrderByDescending(g => g.Ms))
            console.Line(string.Create(ic, $"  {g.Name,-32} {g.Ms,8:F3} ms  {100 * g.Ms / r.ProfiledStepMilliseconds,5:F1} %"));
        console.Line("");
        console.Line("By op (exclusive time; rates: GEMM GFLOP/s, others estimated GB/s of values read and written):");
        console.Line(string.Create(ic, $"  {"kind",-9} {"what",-34} {"calls",5} {"ms",8} {"share",6}  rate"));
        foreach (var e in r.Entries)
        {
            double ms = e.Seconds * 1000;
            string rate = e.Flops > 0 ? string.Create(ic, $"{e.Flops / e.Seconds / 1e9,6:F0} GFLOP/s ({100 * e.Flops / e.Seconds / 1e9 / r.PeakGflops:F0} % of peak)")
                : e.Bytes > 0 && e.Seconds > 0 ? string.Create(ic, $"{e.Bytes / e.Seconds / 1e9,6:F1} GB/s ({100 * e.Bytes / e.Seconds / 1e9 / r.TriadGBs:F0} % of triad)") : "";
            console.Line(string.Create(ic, $"  {e.Kind.ToString().ToLowerInvariant(),-9} {Truncate(e.Name, 34),-34} {e.Calls,5} {ms,8:F4} {100 * ms / r.ProfiledStepMilliseconds,5:F1}%  {rate}"));
        }
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
