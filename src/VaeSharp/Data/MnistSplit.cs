namespace VaeSharp.Data;

// One split (train or test) of MNIST or Fashion-MNIST as loaded from its idx files: Count
// gray images of Height×Width bytes (0 = background, 255 = full ink), row-major, one after
// another, and one label 0..9 per image. Checked by MnistLoader; not copied.

/// <summary>One split (train or test) of an MNIST-format data set: gray byte images and their labels 0..9.</summary>
public sealed class MnistSplit
{
    internal MnistSplit(int count, int height, int width, byte[] images, byte[] labels)
    {
        Count = count;
        Height = height;
        Width = width;
        Images = images;
        Labels = labels;
    }

    /// <summary>Number of images (and labels).</summary>
    public int Count { get; }

    /// <summary>Rows per image (28).</summary>
    public int Height { get; }

    /// <summary>Columns per image (28).</summary>
    public int Width { get; }

    /// <summary>Bytes per image (Height·Width).</summary>
    public int ImageSize => Height * Width;

    /// <summary>All images, Count·Height·Width bytes: image after image, each row-major, 0..255.</summary>
    public byte[] Images { get; }

    /// <summary>One label per image, each 0..9.</summary>
    public byte[] Labels { get; }

    /// <summary>The bytes of image <paramref name="index"/>, row-major.</summary>
    /// <param name="index">0 to Count − 1.</param>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Images.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>This split as a data set of (1, Height, Width) images in [0, 1] with labels (shares the bytes).</summary>
    /// <param name="name">The data set's name.</param>
    /// <param name="classNames">The names of the ten classes, or null.</param>
    public ByteImageDataset ToDataset(string name, IReadOnlyList<string>? classNames = null)
    {
        var labels = new int[Count];
        for (int i = 0; i < Count; i++) labels[i] = Labels[i];
        return new ByteImageDataset(name, Images, Count, [1, Height, Width], labels, classCount: 10, classNames);
    }
}
