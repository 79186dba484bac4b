using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Optim;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Objectives;

/// <summary>
/// FactorVAE's discriminator — Kim &amp; Mnih, "Disentangling by Factorising", ICML 2018: an MLP (by default 6 layers of
/// 1000 leaky-ReLU units, slope 0.2, as the paper and disentanglement_lib's fc_discriminator) from z to two logits,
/// column 0 "drawn from q(z)", column 1 "drawn from Π_j q(z_j)" (z with each dimension permuted across the batch). It
/// has its own Adam (β₁ = 0.5, β₂ = 0.9, as the paper) and is not part of the model: its weights are drawn from stream
/// <see cref="RngStream.Discriminator"/> and are not saved with the run.
/// </summary>
public sealed class FactorDiscriminator : Module
{
    private readonly Sequential _net;

    /// <summary>Builds the discriminator for codes of <paramref name="latentDim"/> and its optimiser.</summary>
    public FactorDiscriminator(int latentDim, int hidden, int layers, float learningRate, RandomGenerator rng)
    {
        _net = new Sequential();
        int width = latentDim;
        for (int i = 0; i < layers; i++)
        {
            _net.Add(new Linear(width, hidden, rng));
            _net.Add(ActivationLayer.LeakyRelu(0.2f));
            width = hidden;
        }
        _net.Add(new Linear(width, 2, rng));
        RegisterModule("discriminator", _net);
        Optimizer = new Adam(Parameters(), learningRate, beta1: 0.5f, beta2: 0.9f);
    }

    /// <summary>The discriminator's own Adam.</summary>
    public Adam Optimizer { get; }

    /// <summary>The two logits of each row of <paramref name="z"/>, as (N, 2).</summary>
    public Tensor Forward(Tensor z) => _net.Forward(z);

    /// <summary>
    /// z with each column permuted across the rows by its own random permutation (Kim &amp; Mnih, Alg. 1): a sample of
    /// Π_j q(z_j). Each column keeps its values, so every marginal is unchanged. Not differentiable (a new tensor).
    /// </summary>
    public static Tensor PermuteDimensions(Tensor z, RandomGenerator rng)
    {
        int n = z.Shape[0], d = z.Shape[1];
        var source = z.Data;
        var permuted = new float[n * d];
        var order = new int[n];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < n; i++) order[i] = i;
            rng.Shuffle(order.AsSpan());
            for (int i = 0; i < n; i++) permuted[i * d + j] = source[order[i] * d + j];
        }
        return Tensor.FromArray(permuted, n, d);
    }

    /// <summary>One step of the discriminator's optimiser on <paramref name="z"/> (detached) against its permutation:
    /// minimises −½ E log D(z)[real] − ½ E log D(z̃)[permuted]. Returns that loss and the share of the 2N rows classified
    /// right, both before the step.</summary>
    public (float Loss, float Accuracy) Update(Tensor z, RandomGenerator rng)
    {
        var real = z.Detach();
        var permuted = PermuteDimensions(real, rng);
        var logReal = Ops.LogSoftmax(Forward(real), 1);
        var logPermuted = Ops.LogSoftmax(Forward(permuted), 1);
        var loss = (Ops.Mean(Ops.Narrow(logReal, 1, 0, 1)) + Ops.Mean(Ops.Narrow(logPermuted, 1, 1, 1))) * -0.5f;
        int n = z.Shape[0], right = 0;
        for (int i = 0; i < n; i++)
        {
            if (logReal.Data[2 * i] >= logReal.Data[2 * i + 1]) right++;
            if (logPermuted.Data[2 * i + 1] > logPermuted.Data[2 * i]) right++;
        }
        Optimizer.ZeroGrad();
        loss.Backward();
        Optimizer.Step();
        return (loss.Item(), right / (2f * n));
    }
}
