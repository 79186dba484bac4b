using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using VaeSharp.Distributions;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Tests;

// The README's library example, taken from README.md at test time and run as a C# script, so the README cannot
// drift from the API. Three substitutions make it quick, and each must match: one epoch instead of ten, a slice
// of MNIST, and output paths in a temporary folder.
public class ReadmeExampleTests
{
    private static string ReadmeBlock()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "README.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        var section = readme[readme.IndexOf("## The library", StringComparison.Ordinal)..];
        var match = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "README.md: no ```csharp block under '## The library'");
        return match.Groups[1].Value;
    }

    private static string Replace(string code, string find, string replacement)
    {
        Assert.True(code.Contains(find, StringComparison.Ordinal), $"README example no longer contains '{find}'");
        return code.Replace(find, replacement, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LibraryExample_FromReadme_Runs()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vaesharp-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string Temp(string name) => Path.Combine(dir, name).Replace("\\", "/");
        string code = ReadmeBlock();
        code = Replace(code, "Epochs = 10", "Epochs = 1");
        code = Replace(code, "var (train, test) = DatasetCatalog.Load(\"mnist\");",
            "var (train, test) = DatasetCatalog.Load(\"mnist\"); (train, test) = (train.Take(2000), test.Take(500));");
        foreach (var file in new[] { "samples.png", "morph.png", "model.safetensors", "runs/iwae" }) code = Replace(code, $"\"{file}\"", $"\"{Temp(file)}\"");

        var options = ScriptOptions.Default.AddReferences(typeof(Vae).Assembly, typeof(Engine.Tensors.Tensor).Assembly, typeof(Console).Assembly).AddImports("System");
        var state = await CSharpScript.RunAsync(code, options);

        var posterior = Assert.IsType<DiagonalGaussian>(state.GetVariable("posterior").Value);
        Assert.Equal([3, 20], posterior.Mean.Shape.ToArray());
        Assert.Equal([3, 20], posterior.LogVar.Shape.ToArray());
        Assert.True(File.Exists(Temp("samples.png")));
        Assert.Equal((8 * 28 + 9 * 2, 28 + 2 * 2), (ImageCodec.Read(Temp("morph.png")).Width, ImageCodec.Read(Temp("morph.png")).Height));
        var scores = (double[])state.GetVariable("scores").Value;
        Assert.Equal(500, scores.Length);
        Assert.All(scores, s => Assert.True(double.IsFinite(s) && s > 0));
        var model = (Vae)state.GetVariable("model").Value;
        var reloaded = new Vae(new VaeConfig { LatentDim = 20, Seed = 99 });
        ModelIO.Load(reloaded, Temp("model.safetensors"));
        Assert.Equal(model.StateDict().SelectMany(e => e.Tensor.ToArray()), reloaded.StateDict().SelectMany(e => e.Tensor.ToArray()));
        var (config, _) = RunFolder.Load(Temp("runs/iwae"));
        Assert.Equal((1, 10, "iwae-mnist"), (config.EpochsCompleted, config.Model.LatentDim, config.Preset));
        Directory.Delete(dir, recursive: true);
    }
}
