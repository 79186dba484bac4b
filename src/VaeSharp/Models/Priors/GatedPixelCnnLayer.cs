using VaeSharp.Engine.Autograd;
using VaeSharp.Engine.Nn;
using VaeSharp.Engine.Random;
using VaeSharp.Engine.Tensors;

namespace VaeSharp.Models.Priors;

// One gated layer of the PixelCNN (van den Oord et al. 2016, fig. 2), on C channels with kernel k, p = ⌊k/2⌋:
//   v, h are (N, C, H, W); the stacks' pre-activations are (N, 2C, H, W)
//   vertical:   v_pre = W_v ∗ pad(v, top p, left p, right p)          kernel (p + 1) × k: row i sees rows i − p .. i
//   horizontal: h_pre = W_h ∗ pad(h, left p)                          kernel 1 × (p + 1): column j sees j − p .. j,
//               mask A (first layer) zeroes the kernel's last column, so the current position is not seen
//   link:       h_pre += W_vh ∗ shift_down(v_pre)                     1 × 1; rows < i only, which fills the blind spot
//   gates:      v' = tanh(v_f + V_f y) ⊙ σ(v_g + V_g y),   g = tanh(h_f + V'_f y) ⊙ σ(h_g + V'_g y)
//   output:     h' = W_o ∗ g + h   (1 × 1; no residual in the first layer, whose h is the current position's own embedding)
// y is the one-hot label; V y is a row of a (classes, 2C) table. The vertical stack sees the current row, but reaches the
// horizontal stack only shifted down one row: so h' at (i, j) depends on the inputs at rows < i and at (i, < j) only
// (at (i, ≤ j) for mask B, whose input h already excludes (i, j)).
internal sealed class GatedPixelCnnLayer : Module
{
    private readonly int _pad, _channels;
    private readonly bool _first;
    private readonly Tensor? _maskA;

    public GatedPixelCnnLayer(int channels, int kernel, bool first, int classCount, RandomGenerator rng)
    {
        _channels = channels;
        _pad = kernel / 2;
        _first = first;
        int c2 = 2 * channels, vFan = channels * (_pad + 1) * kernel, hFan = channels * (_pad + 1);
        VerticalWeight = RegisterParameter("v_conv_weight", Init.KaimingUniformDefault(rng, vFan, c2, channels, _pad + 1, kernel));
        VerticalBias = RegisterParameter("v_conv_bias", Init.BiasDefault(rng, vFan, c2));
        HorizontalWeight = RegisterParameter("h_conv_weight", Init.KaimingUniformDefault(rng, hFan, c2, channels, 1, _pad + 1));
        HorizontalBias = RegisterParameter("h_conv_bias", Init.BiasDefault(rng, hFan, c2));
        LinkWeight = RegisterParameter("v_to_h_weight", Init.KaimingUniformDefault(rng, c2, c2, c2, 1, 1));
        LinkBias = RegisterParameter("v_to_h_bias", Init.BiasDefault(rng, c2, c2));
        OutWeight = RegisterParameter("h_out_weight", Init.KaimingUniformDefault(rng, channels, channels, channels, 1, 1));
        OutBias = RegisterParameter("h_out_bias", Init.BiasDefault(rng, channels, channels));
        if (classCount > 0)
        {
            VerticalCondition = RegisterParameter("v_cond", Tensor.Zeros(classCount, c2));
            HorizontalCondition = RegisterParameter("h_cond", Tensor.Zeros(classCount, c2));
        }
        if (first)
        {
            // (2C, C, 1, p + 1) with the last column (the current position) zero.
            _maskA = Tensor.Ones(c2, channels, 1, _pad + 1);
            var m = _maskA.Data;
            for (int i = _pad; i < m.Length; i += _pad + 1) m[i] = 0f;
        }
    }

    public Tensor VerticalWeight { get; }
    public Tensor VerticalBias { get; }
    public Tensor HorizontalWeight { get; }
    public Tensor HorizontalBias { get; }
    public Tensor LinkWeight { get; }
    public Tensor LinkBias { get; }
    public Tensor OutWeight { get; }
    public Tensor OutBias { get; }
    public Tensor? VerticalCondition { get; }
    public Tensor? HorizontalCondition { get; }

    // v, h are (N, C, H, W); labels (N) when conditional. Returns (v', h').
    public (Tensor Vertical, Tensor Horizontal) Forward(Tensor v, Tensor h, int[]? labels)
    {
        int n = v.Shape[0], height = v.Shape[2];
        var vPre = Ops.Conv2d(Ops.Pad2d(v, _pad, 0, _pad, _pad), VerticalWeight, VerticalBias);
        var hWeight = _maskA is null ? HorizontalWeight : HorizontalWeight * _maskA;
        var hPre = Ops.Conv2d(Ops.Pad2d(h, 0, 0, _pad, 0), hWeight, HorizontalBias);
        var shifted = Ops.Narrow(Ops.Pad2d(vPre, 1, 0, 0, 0), 2, 0, height);
        hPre = hPre + Ops.Conv2d(shifted, LinkWeight, LinkBias);
        if (labels is not null)
        {
            vPre = vPre + Ops.Reshape(Ops.IndexSelect(VerticalCondition!, labels), n, 2 * _channels, 1, 1);
            hPre = hPre + Ops.Reshape(Ops.IndexSelect(HorizontalCondition!, labels), n, 2 * _channels, 1, 1);
        }
        var hOut = Ops.Conv2d(Gate(hPre), OutWeight, OutBias);
        if (!_first) hOut = hOut + h;
        return (Gate(vPre), hOut);
    }

    // tanh(f) ⊙ σ(g) over the two halves of the channels.
    private Tensor Gate(Tensor pre)
    {
        var halves = Ops.Split(pre, 1, _channels, _channels);
        return Ops.Tanh(halves[0]) * Ops.Sigmoid(halves[1]);
    }
}
