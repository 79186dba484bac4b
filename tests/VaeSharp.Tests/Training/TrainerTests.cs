using VaeSharp.Data;
using VaeSharp.Engine;
using VaeSharp.Models;
using VaeSharp.Objectives;
using VaeSharp.Training;

namespace VaeSharp.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Training_LowersTheLoss()
    {
        var data = TestData.TwoPrototypes(512);
        var trainer = new Trainer(new Vae(TestData.SmallVae()), new TrainingOptions { BatchSize = 32, LearningRate = 1e-2f });
        var first = trainer.TrainEpoch(1, data, data);
        EpochReport last = first;
        for (int e = 2; e <= 5; e++) last = trainer.TrainEpoch(e, data, data);
        Assert.True(last.TestLoss < first.TestLoss - 0.5, $"test loss {first.TestLoss} → {last.TestLoss}");
        Assert.Equal(["reconstruction", "kl"], last.Terms.Select(t => t.Name));
        Assert.Equal(last.Loss, last["reconstruction"] + last["kl"], 3);
    }

    [Fact]
    public void ConditionalTraining_WithTheIwaeObjective_LowersTheBound()
    {
        var data = TestData.TwoPrototypes(256);
        var options = new TrainingOptions { BatchSize = 32, LearningRate = 1e-2f, Objective = new ObjectiveOptions { Objective = ObjectiveKind.Iwae, IwaeSamples = 4 } };
        var trainer = new Trainer(new ConditionalVae(TestData.SmallCvae(classes: 2)), options);
        var first = trainer.TrainEpoch(1, data, null);
        trainer.TrainEpoch(2, data, null);
        var third = trainer.TrainEpoch(3, data, null);
        Assert.True(third.Loss < first.Loss - 0.5, $"−L_4 {first.Loss} → {third.Loss}");
        Assert.Equal(["neg_elbo", "reconstruction", "kl"], third.Terms.Select(t => t.Name));
        Assert.True(third.Loss <= third["neg_elbo"] + 1e-3, "the IWAE bound is tighter than the ELBO");
    }

    [Fact]
    public void Training_IsBitIdentical_ForOneAndTwoThreads()
    {
        double Run(int threads)
        {
            int saved = EngineSettings.Threads;
            EngineSettings.Threads = threads;
            try
            {
                var trainer = new Trainer(new Vae(TestData.SmallVae(hidden: 64)), new TrainingOptions { BatchSize = 64, Binarize = Binarization.Dynamic });
                var data = TestData.TwoPrototypes(256);
                trainer.TrainEpoch(1, data, null);
                return trainer.TrainEpoch(2, data, data).TestLoss;
            }
            finally { EngineSettings.Threads = saved; }
        }
        Assert.Equal(Run(1), Run(2));
        Assert.Equal(Run(2), Run(2));
    }

    [Fact]
    public void LearningRateSchedules_FollowTheirFormulas()
    {
        var iwae = new IwaeLearningRate(1e-3f, 3280);
        Assert.Equal(1e-3f, iwae.LearningRate(0));
        Assert.Equal((float)(1e-3f * Math.Pow(10, -1 / 7.0)), iwae.LearningRate(1));      // stage 1 starts after 3^0 = 1 epoch
        Assert.Equal((float)(1e-3f * Math.Pow(10, -7 / 7.0)), iwae.LearningRate(3279));   // the last stage
        var trainer = new Trainer(new Vae(TestData.SmallVae()), new TrainingOptions { Epochs = 4, LrSchedule = LrScheduleKind.Cosine, LearningRate = 0.1f });
        Assert.Equal(0.1f, trainer.LearningRateAt(1));
        Assert.Equal(0.05f, trainer.LearningRateAt(3), 5);
    }
}

public class TrainerGuardTests
{
    [Fact]
    public void EmptyTrainingSet_AndIwaeWithBeta_AreRefused()
    {
        var trainer = new Trainer(new Vae(TestData.SmallVae()), new TrainingOptions());
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(1, TestData.Noise(0), null)).Message);
        var iwae = new TrainingOptions { Objective = new ObjectiveOptions { Objective = ObjectiveKind.Iwae } };
        Assert.Contains("β = 4", Assert.Throws<ArgumentException>(() => new Trainer(new Vae(TestData.SmallVae() with { Beta = 4 }), iwae)).Message);
    }
}
