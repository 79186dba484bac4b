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
        var cmd = new Command("bench", "Time one training step (forward, backward, Adam) and project the seconds per MNIST epoch.") { arch, hidden, latent, channels, batch, steps, threads, json };
        cmd.SetAction(p => VaeCli.Guard(console, () =>
        {
            CommonOptions.ApplyThreads(p.GetValue(threads));
            CommonOptions.Positive(p.GetValue(batch), "--batch-size");
            CommonOptions.Positive(p.GetValue(steps), "--steps");
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
            var t = StepBenchmark.Run(config, p.GetValue(batch), p.GetValue(steps));
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
}
