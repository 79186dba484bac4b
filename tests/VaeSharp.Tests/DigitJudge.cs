using VaeSharp.Data;
using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Tests;

// The judge of the tests that ask whether generated digits are of the requested class: multinomial logistic regression
// on pixels, Linear(784, 10) + log-softmax, Adam 1e-2, 3 epochs in batches of 100 (≈ 89 % on real MNIST test digits).
internal static class DigitJudge
{
    public static Engine.Nn.Linear Train(IDataset train)
    {
        var layer = new Engine.Nn.Linear(784, 10, new RandomGenerator(1));
        var adam = new Engine.Optim.Adam(layer.Parameters(), 1e-2f);
        var order = Enumerable.Range(0, train.Count).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
            for (int start = 0; start + 100 <= train.Count; start += 100)
            {
                var ids = order.AsSpan(start, 100);
                var x = Tensor.Zeros(100, 784);
                train.CopyExamples(ids, x.Data);
                var target = new int[100];
                for (int i = 0; i < 100; i++) target[i] = train.Label(ids[i]);
                var logp = Ops.LogSoftmax(layer.Forward(x), 1);
                var loss = -Ops.Mean(Ops.Gather(logp, 1, target, [100, 1]));
                adam.ZeroGrad();
                loss.Backward();
                adam.Step();
            }
        return layer;
    }

    /// <summary>The share of the first <paramref name="count"/> examples of <paramref name="test"/> the judge reads as their label.</summary>
    public static double Accuracy(Engine.Nn.Linear judge, IDataset test, int count = 1000)
    {
        var x = Tensor.Zeros(count, 784);
        test.CopyExamples(Enumerable.Range(0, count).ToArray(), x.Data);
        return Rate(judge, x, Enumerable.Range(0, count).Select(test.Label).ToArray());
    }

    /// <summary>The share of <paramref name="images"/> (N, 784) the judge reads as their <paramref name="labels"/>.</summary>
    public static double Rate(Engine.Nn.Linear judge, Tensor images, int[] labels)
    {
        int[] predicted;
        using (GradMode.NoGrad()) predicted = Ops.Argmax(judge.Forward(images), 1);
        return labels.Where((c, i) => predicted[i] == c).Count() / (double)labels.Length;
    }
}
