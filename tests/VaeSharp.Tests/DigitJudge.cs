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
}
