namespace VaeSharp.Engine.Kernels;

// The shape of one image's convolution, as the lowering kernels see it (square stride and padding):
//   image is (C, H, W); kernel is KH×KW; stride s; zero padding p on every side
//   output is OH×OW with OH = ⌊(H + 2p − KH)/s⌋ + 1, OW = ⌊(W + 2p − KW)/s⌋ + 1
//   the column matrix is (C·KH·KW, OH·OW)
// A transposed convolution uses the geometry of the convolution it is the adjoint of: its output
// plays the image, its input the (OH, OW) grid.
internal sealed class ConvGeometry
{
    public ConvGeometry(int channels, int height, int width, int kernelH, int kernelW, int stride, int padding)
    {
        Channels = channels; Height = height; Width = width;
        KernelH = kernelH; KernelW = kernelW; Stride = stride; Padding = padding;
        OutH = OutputSize(height, kernelH, stride, padding);
        OutW = OutputSize(width, kernelW, stride, padding);
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int OutH { get; }
    public int OutW { get; }

    /// <summary>C·H·W, the size of one image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>C·KH·KW, the rows of the column matrix (the GEMM's K).</summary>
    public int ColumnRows => Channels * KernelH * KernelW;

    /// <summary>OH·OW, the columns one image contributes.</summary>
    public int ColumnCols => OutH * OutW;

    /// <summary>
    /// Whether im2col/col2im may go through phase planes (see ConvLowering): the s² planes of OH×OW
    /// take every pixel of the image (s·OH ≥ H, s·OW ≥ W) and every plane is read by some kernel offset
    /// (KH, KW ≥ s). True for "same" and stride-2 down/up-sampling layers; false for pooling-like shapes.
    /// </summary>
    public bool UsesPhasePlanes => Stride * OutH >= Height && Stride * OutW >= Width && KernelH >= Stride && KernelW >= Stride;

    /// <summary>Stride 1 and an output the size of the image: the one phase plane is the image itself.</summary>
    public bool PhaseIsImage => Stride == 1 && OutH == Height && OutW == Width;

    /// <summary>Floats of scratch the lowering needs per image: s²·C·OH·OW for phase planes, else 0.</summary>
    public int LoweringScratchSize => UsesPhasePlanes && !PhaseIsImage ? Stride * Stride * Channels * OutH * OutW : 0;

    /// <summary>⌊(size + 2p − kernel)/s⌋ + 1; zero or less when the kernel does not fit.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding)
    {
        int span = size + 2 * padding - kernel;
        return span < 0 ? 0 : span / stride + 1;
    }
}
