using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Nn;

/// <summary>Weight initialisers, matching PyTorch's definitions.</summary>
public static class Init
{
    /// <summary>PyTorch's default for Linear and Conv weights: kaiming-uniform with a = √5, i.e. U(−1/√fanIn, 1/√fanIn).</summary>
    public static Tensor KaimingUniformDefault(RandomGenerator rng, int fanIn, params int[] shape)
    {
        // bound = gain·√(3/fanIn) with gain = √(2/(1 + a²)) = √(1/3)  ⇒  bound = 1/√fanIn
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        return Tensor.Uniform(rng, -bound, bound, shape);
    }

    /// <summary>PyTorch's default bias: U(−1/√fanIn, 1/√fanIn).</summary>
    public static Tensor BiasDefault(RandomGenerator rng, int fanIn, int size)
    {
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        return Tensor.Uniform(rng, -bound, bound, size);
    }

    /// <summary>Glorot/Xavier uniform: U(−a, a), a = gain·√(6/(fanIn + fanOut)).</summary>
    public static Tensor XavierUniform(RandomGenerator rng, int fanIn, int fanOut, float gain = 1f, params int[] shape)
    {
        float a = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        return Tensor.Uniform(rng, -a, a, shape);
    }
}
