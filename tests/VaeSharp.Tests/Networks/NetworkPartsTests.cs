using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;
using VaeSharp.Networks;

namespace VaeSharp.Tests.Networks;

public class NetworkPartsTests
{
    [Fact]
    public void MlpBodies_JoinTheCondition_AndMirrorTheHiddenWidths()
    {
        var config = new NetworkConfig { Hidden = [12, 6], Activation = HiddenActivation.Elu };
        var encoder = new Encoder(config, [1, 4, 4], conditionWidth: 3, new RandomGenerator(1));
        var decoder = new Decoder(config, latentDim: 2, conditionWidth: 3, [1, 4, 4], new RandomGenerator(2));
        Assert.Equal(6, encoder.OutputWidth);
        Assert.Equal(["encoder"], encoder.Modules.Select(m => m.Name));
        Assert.Equal(["decoder"], decoder.Modules.Select(m => m.Name));
        var x = Tensor.Uniform(new RandomGenerator(3), 0f, 1f, 5, 1, 4, 4);
        var condition = Tensor.Zeros(5, 3);
        Assert.Equal([5, 6], encoder.Forward(x, condition).Shape.ToArray());
        Assert.Equal([5, 1, 4, 4], decoder.Forward(Tensor.Zeros(5, 2), condition).Shape.ToArray());
        // Elu is not fused: a Linear then an activation layer per hidden width; the decoder's first layer reads z + c.
        var first = decoder.Modules.Single().Module.NamedParameters().First();
        Assert.Equal(("0.weight", 6, 5), (first.Name, first.Tensor.Shape[0], first.Tensor.Shape[1]));
        Assert.Throws<ArgumentException>(() => encoder.Forward(x, Tensor.Zeros(5, 2)));   // a condition of the wrong width
    }

    [Fact]
    public void ConvBodies_HalveThenRestoreTheImage_AndNameTheirStacks()
    {
        var config = new NetworkConfig { Body = NetworkBody.Conv, Channels = [4, 8], Hidden = [16], BatchNorm = true };
        var encoder = new Encoder(config, [3, 16, 16], conditionWidth: 0, new RandomGenerator(1));
        var decoder = new Decoder(config, latentDim: 5, conditionWidth: 0, [3, 16, 16], new RandomGenerator(2));
        Assert.Equal(["encoder_conv", "encoder"], encoder.Modules.Select(m => m.Name));
        Assert.Equal(["decoder", "decoder_conv"], decoder.Modules.Select(m => m.Name));
        Assert.Equal(8 * 4 * 4, config.FeatureSize([3, 16, 16]));
        var x = Tensor.Uniform(new RandomGenerator(3), 0f, 1f, 2, 3, 16, 16);
        Assert.Equal([2, 16], encoder.Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 16, 16], decoder.Forward(Tensor.Zeros(2, 5)).Shape.ToArray());
        Assert.Contains("divisible by 4", Assert.Throws<ArgumentException>(() => config.Validate([3, 18, 18])).Message);
    }

    [Fact]
    public void GaussianHead_GivesMeanAndLogVarianceOfTheLatentWidth()
    {
        var head = new GaussianHead(inputWidth: 7, latentDim: 3, new RandomGenerator(4));
        Assert.Equal(["fc_mu", "fc_logvar"], head.Modules.Select(m => m.Name));
        var q = head.Forward(Tensor.Uniform(new RandomGenerator(5), -1f, 1f, 4, 7));
        Assert.Equal([4, 3], q.Mean.Shape.ToArray());
        Assert.Equal([4, 3], q.LogVar.Shape.ToArray());
        Assert.NotEqual(q.Mean.ToArray(), q.LogVar.ToArray());
    }
}
