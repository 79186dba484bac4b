using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using VaeSharp.Models;

namespace VaeSharp.Tests.Models;

// docs/architecture.md's worked example (a DIP-VAE-I family and its registration line), compiled from the page at
// test time and trained for a few epochs: the page's claims — one file plus one line, and the rest works — hold.
public class AddingAFamilyTests
{
    private static IReadOnlyList<string> CodeBlocks()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "architecture.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string page = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "architecture.md"));
        var section = page[page.IndexOf("## How to add a model family", StringComparison.Ordinal)..];
        return Regex.Matches(section, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
    }

    [Fact]
    public async Task WorkedExample_FromTheArchitecturePage_CompilesAndTrains()
    {
        var blocks = CodeBlocks();
        Assert.Equal(2, blocks.Count);
        const string ns = "namespace VaeSharp.Models;";
        Assert.Contains(ns, blocks[0]);
        string registration = blocks[1].Trim();
        Assert.EndsWith("),", registration);
        string script = blocks[0].Replace(ns, "using VaeSharp; using VaeSharp.Models;", StringComparison.Ordinal) + $$"""

            var family = {{registration.TrimEnd(',')}};
            var data = VaeSharp.Tests.TestData.TwoPrototypes(256);
            var config = (DipVaeConfig)family.Configure(new ModelSettings([1, 4, 4], 0, 3, new NetworkConfig { Hidden = [16] },
                LikelihoodKind.Bernoulli, 0.1f, 1f, 5));
            var model = (DipVae)family.Build(config);
            var trainer = new VaeSharp.Training.Trainer(model, new VaeSharp.Training.TrainingOptions { BatchSize = 32, LearningRate = 1e-2f });
            var first = trainer.TrainEpoch(1, data, data);
            var last = first;
            for (int e = 2; e <= 4; e++) last = trainer.TrainEpoch(e, data, data);
            var samples = VaeSharp.Applications.Generation.Sample(model, 4, seed: 1);
            var nll = VaeSharp.Evaluation.ImportanceSampling.Estimate(model, data, 10);
            """;
        var options = ScriptOptions.Default
            .AddReferences(typeof(Vae).Assembly, typeof(Engine.Tensors.Tensor).Assembly, typeof(AddingAFamilyTests).Assembly)
            .AddImports("System", "System.Collections.Generic", "VaeSharp.Networks");
        var state = await CSharpScript.RunAsync(script, options);

        var model = (LatentVariableModel)state.GetVariable("model").Value;
        Assert.Equal("DIP-VAE-I", model.Description);
        Assert.Equal(["encoder.0.weight", "encoder.0.bias", "fc_mu.weight", "fc_mu.bias", "fc_logvar.weight", "fc_logvar.bias",
            "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias"], model.StateDict().Select(e => e.Name));
        var first = (VaeSharp.Training.EpochReport)state.GetVariable("first").Value;
        var last = (VaeSharp.Training.EpochReport)state.GetVariable("last").Value;
        Assert.Equal(["reconstruction", "kl", "dip"], last.Terms.Select(t => t.Name));
        Assert.True(last.Terms[2].Value >= 0, "the DIP penalty is a sum of squares");
        Assert.True(last.Loss < first.Loss - 0.5, $"loss {first.Loss} → {last.Loss}");
        Assert.Equal(last.Loss, last.Terms.Sum(t => t.Value), 2);   // reconstruction + kl + dip
        Assert.Equal(4 * 16, ((float[])state.GetVariable("samples").Value).Length);
        Assert.True(double.IsFinite(((VaeSharp.Evaluation.LikelihoodEstimate)state.GetVariable("nll").Value).Nll));
    }
}
