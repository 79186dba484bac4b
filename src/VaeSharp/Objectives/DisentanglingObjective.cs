using System.Globalization;
using VaeSharp.Data;
using VaeSharp.Distributions;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Models;

namespace VaeSharp.Objectives;

// The disentangling objectives over the contract, for any family with a diagonal Gaussian posterior and the N(0, I)
// prior: β-TCVAE, FactorVAE, DIP-VAE-I and -II. Each reports its terms per epoch. β is the family's KL weight (--beta):
// for β-TCVAE it weighs the total correlation, for the others the KL.
internal sealed class DisentanglingObjective : TrainingObjective
{
    private readonly ObjectiveOptions _options;
    private readonly long _datasetSize;
    private readonly FactorDiscriminator? _discriminator;

    public DisentanglingObjective(ObjectiveOptions options, long datasetSize, LatentVariableModel? model)
    {
        _options = options;
        _datasetSize = datasetSize;
        if (options.Objective != ObjectiveKind.FactorVae) return;
        if (model is null) throw new ArgumentException("objective factor-vae: the model is needed to build the discriminator.");
        if (TensorScope.IsActive) throw new InvalidOperationException("objective factor-vae: create it outside a tensor scope (the discriminator's weights must outlive the step).");
        _discriminator = new FactorDiscriminator(model.LatentDim, options.DiscriminatorHidden, options.DiscriminatorLayers,
            options.DiscriminatorLearningRate, RngStreams.Create(model.Config.Seed, RngStream.Discriminator));
    }

    /// <summary>FactorVAE's discriminator (null for the other objectives).</summary>
    public FactorDiscriminator? Discriminator => _discriminator;

    private ObjectiveKind Kind => _options.Objective;

    public override IReadOnlyList<string> TermNames(LatentVariableModel model) => Kind switch
    {
        ObjectiveKind.BetaTcvae => [LossTermLabels.Reconstruction, "mi", "tc", "dwkl", LossTermLabels.Kl],
        ObjectiveKind.FactorVae => [LossTermLabels.Reconstruction, LossTermLabels.Kl, "tc", "disc_loss", "disc_accuracy"],
        _ => [LossTermLabels.Reconstruction, LossTermLabels.Kl, "dip"],
    };

    public override ModelLoss Compute(LatentVariableModel model, Batch batch, RandomGenerator noise, long step)
    {
        if (batch.Mask is not null) throw new NotSupportedException("The disentangling objectives do not take batches with missing values (a mask).");
        if (model.Encode(batch) is not DiagonalGaussian q || model.Prior is not StandardNormal)
            throw new ArgumentException($"objective {Name(Kind)}: needs a model with a diagonal Gaussian posterior and the N(0, I) prior; {model.Description} has another.");
        float beta = Beta(model);
        int n = batch.Count;
        var z = q.Sample(noise);
        var labels = model.IsConditional ? batch.Labels : null;
        var recon = model.Likelihood.TotalNegLogLikelihood(model.Decode(z, labels), batch.X) * (1f / n);
        switch (Kind)
        {
            case ObjectiveKind.BetaTcvae:
            {
                var (mi, tc, dwkl) = TotalCorrelation.Decompose(q, z, _datasetSize, _options.TcEstimator);
                var total = recon + mi * _options.TcAlpha + tc * beta + dwkl * _options.TcGamma;
                Tensor kl;
                using (GradMode.NoGrad()) kl = model.Prior.Kl(q, Reduction.Sum) * (1f / n);
                return new ModelLoss(total, new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm("mi", mi), new LossTerm("tc", tc),
                    new LossTerm("dwkl", dwkl), new LossTerm(LossTermLabels.Kl, kl));
            }
            case ObjectiveKind.FactorVae:
            {
                var kl = model.Prior.Kl(q, Reduction.Sum) * (1f / n);
                // The discriminator steps first, on this batch's z (detached), then scores z for the model's TC term: the
                // alternating updates of Kim & Mnih's Algorithm 1, on one batch as disentanglement_lib does.
                var (discLoss, accuracy) = _discriminator!.Update(z, noise);
                var logits = _discriminator.Forward(z);
                var tc = Ops.Mean(Ops.Narrow(logits, 1, 0, 1) - Ops.Narrow(logits, 1, 1, 1));
                var total = recon + (beta == 1f ? kl : kl * beta) + tc * _options.FactorGamma;
                return new ModelLoss(total, new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm(LossTermLabels.Kl, kl), new LossTerm("tc", tc),
                    new LossTerm("disc_loss", Tensor.Scalar(discLoss)), new LossTerm("disc_accuracy", Tensor.Scalar(accuracy)));
            }
            default:
            {
                var kl = model.Prior.Kl(q, Reduction.Sum) * (1f / n);
                var (lambdaOd, lambdaD) = _options.DipLambdas();
                var dip = DipPenalty.Penalty(DipPenalty.Covariance(q, second: Kind == ObjectiveKind.DipVae2), lambdaOd, lambdaD);
                var total = recon + (beta == 1f ? kl : kl * beta) + dip;
                return new ModelLoss(total, new LossTerm(LossTermLabels.Reconstruction, recon), new LossTerm(LossTermLabels.Kl, kl), new LossTerm("dip", dip));
            }
        }
    }

    private static float Beta(LatentVariableModel model) => model.Config is IKlWeighted w ? w.Beta : 1f;

    private static string Name(ObjectiveKind kind) => Serialization.ConfigJson.Name(kind);

    public override string Describe(LatentVariableModel model)
    {
        var inv = CultureInfo.InvariantCulture;
        float beta = Beta(model);
        string kl = beta == 1f ? "KL Loss" : string.Create(inv, $"{beta}·KL Loss");
        switch (Kind)
        {
            case ObjectiveKind.BetaTcvae:
                string estimator = _options.TcEstimator == TcEstimator.Mss ? "minibatch-stratified" : "minibatch-weighted";
                return string.Create(inv, $"Loss = Reconstruction Loss + {_options.TcAlpha}·MI + {beta}·TC + {_options.TcGamma}·Dimension-wise KL (β-TCVAE, Chen et al. 2018; {estimator} estimates over N = {_datasetSize}); MI + TC + Dimension-wise KL is a one-sample KL, KL Loss the analytic one beside it");
            case ObjectiveKind.FactorVae:
                return string.Create(inv, $"Loss = Reconstruction Loss + {kl} + {_options.FactorGamma}·TC, TC = E[logit_real − logit_permuted] of a discriminator ({_options.DiscriminatorLayers}×{_options.DiscriminatorHidden} leaky ReLU, Adam lr {_options.DiscriminatorLearningRate}, β₁ 0.5, β₂ 0.9) stepped first on each batch (FactorVAE, Kim & Mnih 2018); Disc Loss and Disc Accuracy are the discriminator's, before its step");
            default:
                var (od, d) = _options.DipLambdas();
                string which = Kind == ObjectiveKind.DipVae1 ? "I: C = Cov[μ(x)]" : "II: C = E[diag σ²(x)] + Cov[μ(x)]";
                return string.Create(inv, $"Loss = Reconstruction Loss + {kl} + Dip Loss, Dip = {od}·Σ_(i≠j) C_ij² + {d}·Σ_i (C_ii − 1)² over the batch (DIP-VAE-{which}, Kumar et al. 2018)");
        }
    }
}
