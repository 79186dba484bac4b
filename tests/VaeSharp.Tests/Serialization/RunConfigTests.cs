using System.Text.Json;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.IO;
using VaeSharp.Evaluation;
using VaeSharp.Models;
using VaeSharp.Networks;
using VaeSharp.Objectives;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests.Serialization;

public class RunConfigTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-v1", name);

    private static string WriteConfig(string json)
    {
        string dir = Path.Combine(Path.GetTempPath(), "vaesharp-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "config.json");
        File.WriteAllText(file, json);
        return file;
    }

    [Fact]
    public void EveryFamily_RoundTripsThroughConfigJson_WithItsDiscriminator()
    {
        ModelConfig[] configs =
        [
            new VaeConfig { Beta = 4, Likelihood = LikelihoodKind.GaussianLearned, Network = new NetworkConfig { Activation = HiddenActivation.LeakyRelu } },
            new ConditionalVaeConfig { ClassCount = 7, Network = new NetworkConfig { Body = NetworkBody.Conv, BatchNorm = true } },
        ];
        foreach (var model in configs)
        {
            var config = new RunConfig { Model = model, Training = new TrainingOptions { Binarize = Binarization.Dynamic, Objective = new ObjectiveOptions { Objective = ObjectiveKind.Iwae } } };
            string json = JsonSerializer.Serialize(config, ConfigJson.Options);
            Assert.Contains($"\"family\": \"{ModelFamilies.For(model).Name}\"", json);
            var back = RunFolder.ReadConfig(WriteConfig(json));
            Assert.Equal(model.GetType(), back.Model.GetType());
            Assert.Equal(JsonSerializer.Serialize(config, ConfigJson.Options), JsonSerializer.Serialize(back, ConfigJson.Options));
        }
        string vae = JsonSerializer.Serialize(new RunConfig { Model = configs[0] }, ConfigJson.Options);
        Assert.Contains("\"likelihood\": \"gaussian-learned\"", vae);
        Assert.Contains("\"activation\": \"leaky_relu\"", vae);
        Assert.Contains("\"format_version\": 2", vae);
        Assert.DoesNotContain("input_size", vae);
    }

    [Fact]
    public void FormatOneRunFolder_LoadsAndEvaluatesAsTheOldReleaseDid()
    {
        // Written by the release before model families (commit 37a31f2):
        //   vae train --hidden 16 --latent-dim 2 --epochs 1 --train-limit 600 --test-limit 100 --threads 2
        //   vae eval RUN --limit 100 --json  →  loss 550.3765234375, reconstruction 550.3156640625, kl 0.060843987464904783
        var (config, model) = RunFolder.Load(Fixture("mlp"));
        Assert.Equal(RunConfig.CurrentFormatVersion, config.FormatVersion);
        var vae = Assert.IsType<Vae>(model);
        Assert.Equal([16], vae.Config.Network.Hidden);
        var (_, test) = DatasetCatalog.Load("mnist");
        var t = LossEvaluation.Evaluate(model, test.Take(100), config.Training.Binarize, seed: 1);
        Assert.Equal(550.3765234375, t.Loss);
        Assert.Equal(550.3156640625, t["reconstruction"]);
        Assert.Equal(0.060843987464904783, t["kl"]);
    }

    [Fact]
    public void FormatOneAliases_AndAFamilyFieldAfterOthers_AreRead()
    {
        var legacy = RunFolder.ReadConfig(WriteConfig("""{ "format_version": 1, "model": { "architecture": "mlp", "activation": "swish", "hidden": [8] }, "training": {} }"""));
        Assert.Equal(HiddenActivation.Silu, legacy.Model.Network.Activation);
        var late = RunFolder.ReadConfig(WriteConfig("""{ "training": {}, "model": { "latent_dim": 3, "family": "cvae", "class_count": 4 }, "format_version": 2 }"""));
        Assert.Equal((3, 4), (late.Model.LatentDim, ((ConditionalVaeConfig)late.Model).ClassCount));
    }

    [Fact]
    public void FormatOneConditionalConvRun_BecomesTheCvaeFamily()
    {
        // vae train --arch conv --channels 4,8 --hidden 8 --latent-dim 2 --conditional --batch-norm --activation leaky_relu
        //   --likelihood gaussian-learned --epochs 1 --train-limit 300 --test-limit 100  →  eval --limit 100: loss 3706.700625
        var (config, model) = RunFolder.Load(Fixture("cvae-conv"));
        var cvae = Assert.IsType<ConditionalVae>(model);
        Assert.Equal((10, NetworkBody.Conv, true, HiddenActivation.LeakyRelu, LikelihoodKind.GaussianLearned),
            (cvae.Config.ClassCount, cvae.Config.Network.Body, cvae.Config.Network.BatchNorm, cvae.Config.Network.Activation, cvae.Config.Likelihood));
        var (_, test) = DatasetCatalog.Load("mnist");
        Assert.Equal(3706.700625, LossEvaluation.Evaluate(model, test.Take(100), config.Training.Binarize, seed: 1).Loss);
    }

    [Theory]
    [InlineData("""{ "format_version": 2, "model": { "family": "no-such-family" }, "training": {} }""", "model.family 'no-such-family': expected one of vae, cvae")]
    [InlineData("""{ "format_version": 3, "model": { "family": "vae" } }""", "format_version 3")]
    [InlineData("""{ "format_version": "2", "model": { "family": "vae" } }""", "format_version \"2\": expected an integer")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae", "latent_dim": 0 }, "training": {} }""", "latent_dim 0")]
    [InlineData("""{ "format_version": 2, "model": { "latent_dim": 3 }, "training": {} }""", "model.family: missing")]
    [InlineData("""{ "format_version": 2, "model": null, "training": {} }""", "model: missing")]
    [InlineData("""{ "format_version": 2, "training": {} }""", "model: missing")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae" } }""", "training: missing")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae", "gaussian_std": "Infinity" }, "training": {} }""", "at model.gaussian_std")]
    [InlineData("""{ "format_version": 2, "model": { "family": "cvae" }, "training": {} }""", "class_count")]
    [InlineData("""{ "format_version": 1, "model": { "architecture": "mlp", "class_count": "ten" }, "training": {} }""", "model.class_count \"ten\"")]
    [InlineData("""{ "format_version": 1, "model": { "architecture": "mlp", "class_count": -2 }, "training": {} }""", "model.class_count -2")]
    [InlineData("""{ "format_version": 1, "model": { "architecture": "mlp", "activation": "Tanh" }, "training": {} }""", "capitalised 'Tanh'")]
    [InlineData("""{ "format_version": 1, "model": { "architecture": "mlp", "activation": "mish" }, "training": {} }""", "model.activation \"mish\"")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae", "network": { "body": "transformer" } }, "training": {} }""", "at model.network.body")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae", "colour": 1 }, "training": {} }""", "colour")]
    [InlineData("""{ "format_version": 1, "model": { "architecture": "mlp", "colour": 1 } }""", "model.colour: not a field of format 1")]
    [InlineData("""{ "format_version": 2, "model": { "family": "vae" }, "training": { "lr_schedule": "warm" } }""", "at training.lr_schedule")]
    [InlineData("not json", "invalid JSON")]
    public void BadConfig_IsRefused_NamingTheFileAndTheField(string json, string expected)
    {
        string file = WriteConfig(json);
        var e = Assert.Throws<FileFormatException>(() => RunFolder.ReadConfig(file));
        Assert.Contains(file, e.Message);
        Assert.Contains(expected, e.Message);
    }
}

public class NonFiniteModelTests
{
    [Fact]
    public void RunWithNaNWeights_IsRefusedOnLoad_NamingTheTensor()
    {
        var data = TestData.TwoPrototypes(64);
        var (config, options) = new TrainingRequest { Epochs = 1, BatchSize = 32 }.Resolve(data, "synthetic");
        string folder = Path.Combine(Path.GetTempPath(), "vaesharp-nan-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var run = TrainingRun.Start(folder, config, data, data, options))
            {
                run.RunToEnd();
                foreach (var (name, t) in run.Model.NamedParameters()) if (name == "fc_mu.bias") t.Data[1] = float.NaN;
                run.Folder.SaveModel(run.Model);
            }
            var e = Assert.Throws<FileFormatException>(() => RunFolder.Load(folder));
            Assert.Contains("tensor 'fc_mu.bias': value 1 is NaN", e.Message);
            Assert.Contains("model.safetensors", e.Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
