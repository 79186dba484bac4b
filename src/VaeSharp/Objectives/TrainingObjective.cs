using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Engine.Random;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

/// <summary>
/// What a run minimises, step by step: the model family's own loss with the KL controls of the step
/// (<see cref="ObjectiveKind.Elbo"/>), or the IWAE bound over the same contract (<see cref="ObjectiveKind.Iwae"/>).
/// </summary>
public abstract class TrainingObjective
{
    /// <summary>Creates the objective of <paramref name="options"/>; <paramref name="totalSteps"/> is the run's length (for the cyclical schedule),
    /// <paramref name="datasetSize"/> the number of training examples (for β-TCVAE's estimators of q(z)), <paramref name="model"/> the
    /// model it will train (FactorVAE builds its discriminator for it here, outside any tensor scope).</summary>
    public static TrainingObjective Create(ObjectiveOptions options, long totalSteps, long datasetSize = 0, LatentVariableModel? model = null)
    {
        options.Validate();
        if (options.Objective == ObjectiveKind.BetaTcvae && datasetSize < 2)
            throw new ArgumentException("objective beta-tcvae: the training set's size is needed (at least 2 examples).");
        return options.Objective switch
        {
            ObjectiveKind.Elbo => new FamilyLoss(options, totalSteps),
            ObjectiveKind.Iwae => new ImportanceWeighted(options.IwaeSamples),
            ObjectiveKind.BetaTcvae or ObjectiveKind.FactorVae or ObjectiveKind.DipVae1 or ObjectiveKind.DipVae2 => new DisentanglingObjective(options, datasetSize, model),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Objective, "Unknown objective."),
        };
    }

    /// <summary>The loss of a batch at training step <paramref name="step"/> (0-based), drawing from <paramref name="noise"/>.</summary>
    public abstract ModelLoss Compute(LatentVariableModel model, Batch batch, RandomGenerator noise, long step);

    /// <summary>The terms <see cref="Compute"/> returns for <paramref name="model"/>, in order.</summary>
    public abstract IReadOnlyList<string> TermNames(LatentVariableModel model);

    /// <summary>How the reported Loss is made of the terms, in words for the run's header
    /// ("Loss = Reconstruction Loss + KL Loss (the negative ELBO)").</summary>
    public abstract string Describe(LatentVariableModel model);

    // The family's loss (for the VAE: −ELBO = reconstruction + β·w(t)·KL) with the KL controls of step t.
    private sealed class FamilyLoss(ObjectiveOptions options, long totalSteps) : TrainingObjective
    {
        private readonly KlSchedule _schedule = new(options.KlSchedule, options.KlWarmupSteps, (int)Math.Clamp(totalSteps, 1, int.MaxValue), options.KlCycles, options.KlRatio);

        public override ModelLoss Compute(LatentVariableModel model, Batch batch, RandomGenerator noise, long step)
        {
            float capacity = options.CapacityGamma > 0f ? options.CapacityMax * (float)Math.Min(1.0, (double)step / options.CapacitySteps) : 0f;
            var control = new KlControl(_schedule.Weight(step), options.FreeBits, options.CapacityGamma, capacity);
            return model.Loss(batch, new LossContext(noise, control));
        }

        public override IReadOnlyList<string> TermNames(LatentVariableModel model) => model.LossTermNames;

        public override string Describe(LatentVariableModel model)
        {
            if (model.LossFormula is string formula) return formula;
            float beta = model.Config is IKlWeighted w ? w.Beta : 1f;
            string kl = options.FreeBits > 0f ? string.Create(CultureInfo.InvariantCulture, $"Σ_j max({options.FreeBits}, KL_j)") : "KL Loss";
            string penalty = options.CapacityGamma > 0f
                ? string.Create(CultureInfo.InvariantCulture, $"{options.CapacityGamma}·|{kl} − C(t)|, C rising to {options.CapacityMax} nats over {options.CapacitySteps} steps")
                : (beta == 1f ? "" : string.Create(CultureInfo.InvariantCulture, $"{beta}·")) + (options.KlSchedule switch
                {
                    KlScheduleKind.Linear => $"w(t)·{kl}, w rising linearly to 1 over {options.KlWarmupSteps} steps",
                    KlScheduleKind.Cyclical => string.Create(CultureInfo.InvariantCulture, $"w(t)·{kl}, w cyclical ({options.KlCycles} cycles, ratio {options.KlRatio})"),
                    _ => kl,
                });
            string note = options.HasKlControls ? "; KL Loss is the plain analytic KL" : beta == 1f ? " (the negative ELBO)" : " (β-VAE)";
            return $"Loss = Reconstruction Loss + {penalty}{note}";
        }
    }

    // −L_k, the IWAE bound, with the ELBO's terms beside it.
    private sealed class ImportanceWeighted(int k) : TrainingObjective
    {
        public override ModelLoss Compute(LatentVariableModel model, Batch batch, RandomGenerator noise, long step) => Iwae.Compute(model, batch, k, noise);

        public override IReadOnlyList<string> TermNames(LatentVariableModel model) => Iwae.TermNames;

        public override string Describe(LatentVariableModel model) =>
            $"Loss = −L_{k}, the IWAE bound with k = {k} (Burda et al. 2016); −ELBO = Reconstruction Loss + KL Loss, estimated with the same samples";
    }
}
