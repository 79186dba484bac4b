using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.ML.OnnxRuntime;
using VaeSharp.Data;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Serialization;

namespace VaeSharp.Tests.Serialization;

// docs/deploy.md's C# scoring block, taken from the page at test time and run as a script against an exported
// 784-400-20 model (the page's runs/mnist-vae path replaced by the export folder): what it computes is VaeSharp's
// Encode(x).Mean and DecodeMean(mu).
public class DeployDocTests
{
    private static string CSharpBlock()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "deploy.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string page = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "deploy.md"));
        var section = page[page.IndexOf("## Scoring from C#", StringComparison.Ordinal)..];
        var match = Regex.Match(section, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "docs/deploy.md: no ```csharp block under '## Scoring from C#'");
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task CSharpScoringExample_FromTheDeployPage_GivesVaeSharpsNumbers()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vaesharp-deploy-" + Guid.NewGuid().ToString("N"));
        var model = new Vae(new VaeConfig { Seed = 3 });
        OnnxExport.Export(model, folder);
        string code = CSharpBlock();
        const string path = "runs/mnist-vae/onnx/";
        Assert.True(code.Contains(path, StringComparison.Ordinal), $"the block no longer reads {path}");
        code = code.Replace(path, folder.Replace("\\", "/") + "/", StringComparison.Ordinal);

        var options = ScriptOptions.Default.AddReferences(typeof(InferenceSession).Assembly).AddImports("System", "System.Linq");
        var state = await CSharpScript.RunAsync(code, options);

        var images = (float[])state.GetVariable("images").Value;
        var batch = new Batch(Engine.Tensors.Tensor.FromArray(images, 2, 1, 28, 28));
        var (mu, pixels) = Inference.Run(model, () =>
        {
            var q = model.Encode(batch);
            return (q.Mean.ToArray(), model.DecodeMean(q.Mean).ToArray());
        });
        var scriptMu = (float[])state.GetVariable("mu").Value;
        var scriptPixels = (float[])state.GetVariable("pixels").Value;
        Assert.Equal(2 * 20, scriptMu.Length);
        Assert.Equal(2 * 784, scriptPixels.Length);
        Assert.All(mu.Zip(scriptMu), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-5f, $"mu {p.First} vs {p.Second}"));
        Assert.All(pixels.Zip(scriptPixels), p => Assert.True(MathF.Abs(p.First - p.Second) <= 1e-5f, $"pixel {p.First} vs {p.Second}"));
        foreach (var name in new[] { "encoder", "decoder", "x", "posterior", "reconstruction" })
            if (state.GetVariable(name).Value is IDisposable d) d.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
