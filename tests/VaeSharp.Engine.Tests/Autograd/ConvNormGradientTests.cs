using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Engine.Tests.Autograd;

// One line per image or normalisation op: its analytic gradients (input, weight, bias, γ, β) against
// central finite differences (GradCheck).
public class ConvNormGradientTests
{
    // Distinct values at least 0.1 apart (|step| = 0.01), so no max-pool window has a near tie.
    private static Func<RandomGenerator, float> Distinct()
    {
        int i = 0;
        return _ => (i++ * 37 % 101) * 0.1f - 5f;
    }

    private static Tensor RunningMean => Tensor.FromArray([0.3f, -0.2f, 0.1f], 3);
    private static Tensor RunningVar => Tensor.FromArray([0.5f, 2f, 1.3f], 3);

    [Fact] public void Conv2d_WithBias() => GradCheck.Assert([[2, 3, 5, 5], [4, 3, 3, 3], [4]], x => Ops.Conv2d(x[0], x[1], x[2]));
    [Fact] public void Conv2d_Stride2Padding1_NonSquare() => GradCheck.Assert([[2, 3, 7, 6], [5, 3, 3, 2], [5]], x => Ops.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1));
    [Fact] public void Conv2d_NoBias_4x4Stride2() => GradCheck.Assert([[2, 2, 6, 5], [3, 2, 4, 4]], x => Ops.Conv2d(x[0], x[1], null, stride: 2, padding: 1));
    [Fact] public void Conv2d_1x1() => GradCheck.Assert([[2, 3, 3, 4], [2, 3, 1, 1], [2]], x => Ops.Conv2d(x[0], x[1], x[2]));
    [Fact] public void Conv2d_PaddingLargerThanHalfKernel() => GradCheck.Assert([[1, 2, 3, 3], [2, 2, 2, 2], [2]], x => Ops.Conv2d(x[0], x[1], x[2], stride: 3, padding: 2));
    [Fact] public void Conv2d_SingleImage() => GradCheck.Assert([[1, 2, 5, 5], [3, 2, 3, 3], [3]], x => Ops.Conv2d(x[0], x[1], x[2], padding: 1));

    [Fact] public void ConvTranspose2d_WithBias() => GradCheck.Assert([[2, 3, 4, 4], [3, 2, 3, 3], [2]], x => Ops.ConvTranspose2d(x[0], x[1], x[2]));
    [Fact] public void ConvTranspose2d_Stride2Padding1OutputPadding1_NonSquare() => GradCheck.Assert([[2, 3, 3, 4], [3, 4, 3, 2], [4]], x => Ops.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1));
    [Fact] public void ConvTranspose2d_NoBias_4x4Stride2() => GradCheck.Assert([[2, 2, 3, 3], [2, 3, 4, 4]], x => Ops.ConvTranspose2d(x[0], x[1], null, stride: 2, padding: 1));
    [Fact] public void ConvTranspose2d_SingleImage() => GradCheck.Assert([[1, 2, 3, 3], [2, 2, 3, 3], [2]], x => Ops.ConvTranspose2d(x[0], x[1], x[2], stride: 2));

    // Fused activations, and the shapes whose weight gradient is computed transposed (K = Cin·3·3 = 9 < 16 columns).
    // ReLU: seeds chosen so that no pre-activation lies within a finite-difference step of the kink (the
    // unfused Ops.Relu(Ops.Conv…) fails on the same seeds that the fused op fails on).
    [Fact] public void Conv2d_FusedRelu() => GradCheck.Assert([[2, 3, 7, 6], [5, 3, 3, 3], [5]], x => Ops.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1, Activation.Relu), GradCheck.AwayFromZero, seed: 4);
    [Fact] public void Conv2d_FusedTanh() => GradCheck.Assert([[2, 3, 7, 6], [5, 3, 3, 3], [5]], x => Ops.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1, Activation.Tanh));
    [Fact] public void Conv2d_FusedSigmoid_NoBias() => GradCheck.Assert([[2, 3, 5, 5], [4, 3, 3, 3]], x => Ops.Conv2d(x[0], x[1], null, padding: 1, activation: Activation.Sigmoid));
    [Fact] public void Conv2d_OneInputChannel_TransposedWeightGradient() => GradCheck.Assert([[3, 1, 6, 6], [12, 1, 3, 3], [12]], x => Ops.Conv2d(x[0], x[1], x[2], stride: 2, padding: 1, Activation.Tanh));
    [Fact] public void ConvTranspose2d_FusedRelu() => GradCheck.Assert([[2, 3, 3, 4], [3, 4, 3, 3], [4]], x => Ops.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1, Activation.Relu), GradCheck.AwayFromZero, seed: 5);
    [Fact] public void ConvTranspose2d_FusedTanh() => GradCheck.Assert([[2, 3, 3, 4], [3, 4, 3, 3], [4]], x => Ops.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1, Activation.Tanh));
    [Fact] public void ConvTranspose2d_FusedSigmoid_NoBias() => GradCheck.Assert([[2, 2, 4, 4], [2, 3, 3, 3]], x => Ops.ConvTranspose2d(x[0], x[1], null, padding: 1, activation: Activation.Sigmoid));
    [Fact] public void ConvTranspose2d_OneOutputChannel_TransposedWeightGradient() => GradCheck.Assert([[3, 12, 4, 4], [12, 1, 3, 3], [1]], x => Ops.ConvTranspose2d(x[0], x[1], x[2], padding: 1));

    [Fact] public void MaxPool2d() => GradCheck.Assert([2, 3, 4, 6], x => Ops.MaxPool2d(x), Distinct());
    [Fact] public void MaxPool2d_Kernel3_DropsRemainder() => GradCheck.Assert([2, 2, 7, 6], x => Ops.MaxPool2d(x, 3), Distinct());
    [Fact] public void AvgPool2d() => GradCheck.Assert([2, 3, 4, 6], x => Ops.AvgPool2d(x));
    [Fact] public void AvgPool2d_OddSize() => GradCheck.Assert([2, 2, 5, 7], x => Ops.AvgPool2d(x));
    [Fact] public void UpsampleNearest2d() => GradCheck.Assert([2, 3, 3, 2], x => Ops.UpsampleNearest2d(x));
    [Fact] public void UpsampleNearest2d_Scale3() => GradCheck.Assert([1, 2, 2, 3], x => Ops.UpsampleNearest2d(x, 3));

    [Fact] public void BatchNorm_Train_NC() => GradCheck.Assert([[6, 3], [3], [3]], x => Ops.BatchNorm(x[0], x[1], x[2], null, null, training: true));
    [Fact] public void BatchNorm_Train_NCHW() => GradCheck.Assert([[3, 3, 2, 3], [3], [3]], x => Ops.BatchNorm(x[0], x[1], x[2], RunningMean, RunningVar, training: true));
    [Fact] public void BatchNorm_Train_NoAffine() => GradCheck.Assert([4, 3, 2, 2], x => Ops.BatchNorm(x, null, null, null, null, training: true));
    [Fact] public void BatchNorm_Eval_NCHW() => GradCheck.Assert([[3, 3, 2, 2], [3], [3]], x => Ops.BatchNorm(x[0], x[1], x[2], RunningMean, RunningVar, training: false));
    [Fact] public void BatchNorm_Eval_NC_NoAffine() => GradCheck.Assert([4, 3], x => Ops.BatchNorm(x, null, null, RunningMean, RunningVar, training: false));

    [Fact] public void LayerNorm() => GradCheck.Assert([[3, 5], [5], [5]], x => Ops.LayerNorm(x[0], x[1], x[2]));
    [Fact] public void LayerNorm_LastTwoDims() => GradCheck.Assert([[2, 3, 4], [3, 4], [3, 4]], x => Ops.LayerNorm(x[0], x[1], x[2], normalizedDims: 2));
    [Fact] public void LayerNorm_NoAffine() => GradCheck.Assert([4, 6], x => Ops.LayerNorm(x, null, null));
    [Fact] public void GroupNorm_TwoGroups() => GradCheck.Assert([[2, 4, 3, 3], [4], [4]], x => Ops.GroupNorm(x[0], 2, x[1], x[2]));
    [Fact] public void GroupNorm_OneGroupPerChannel() => GradCheck.Assert([[2, 3, 2, 3], [3], [3]], x => Ops.GroupNorm(x[0], 3, x[1], x[2]));
    [Fact] public void GroupNorm_NoAffine_NC() => GradCheck.Assert([3, 6], x => Ops.GroupNorm(x, 2, null, null));

    [Fact] public void ConvBatchNormPoolChain() => GradCheck.Assert([[2, 2, 6, 6], [3, 2, 3, 3], [3], [3]],
        x => Ops.MaxPool2d(Ops.Tanh(Ops.BatchNorm(Ops.Conv2d(x[0], x[1], null, padding: 1), x[2], x[3], null, null, training: true))));
}
