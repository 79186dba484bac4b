using VaeSharp.Engine.IO;

namespace VaeSharp.Imaging;

// The error PngReader throws for a file it cannot accept: not a PNG, corrupt (CRC, truncation,
// bad zlib data, wrong sizes), or a PNG feature we do not support (16-bit, palette, interlaced).

/// <summary>A PNG file is corrupt or uses a feature this reader does not support. The message names the file and the problem.</summary>
public sealed class PngFormatException : FileFormatException
{
    /// <summary>Creates the exception for the file <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file path, or a description of the source such as <c>&lt;stream&gt;</c>.</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public PngFormatException(string filePath, string problem, Exception? inner = null)
        : base(filePath, problem, inner)
    {
    }
}
