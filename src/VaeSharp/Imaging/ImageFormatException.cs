using VaeSharp.Engine.IO;

namespace VaeSharp.Imaging;

// The error ImageCodec throws for a file it cannot decode: not an image, truncated, or corrupt
// (a CRC or zlib error, bad row filters, a palette index without a palette, ...).

/// <summary>An image file cannot be decoded. The message names the file and the problem.</summary>
public sealed class ImageFormatException : FileFormatException
{
    /// <summary>Creates the exception for the file <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file path, or a description of the source such as <c>&lt;stream&gt;</c>.</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ImageFormatException(string filePath, string problem, Exception? inner = null)
        : base(filePath, problem, inner)
    {
    }
}
