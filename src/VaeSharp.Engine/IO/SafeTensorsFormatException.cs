namespace VaeSharp.Engine.IO;

// The error the safetensors reader throws for a file it cannot accept: malformed, hostile, or
// using a feature we do not support (any dtype but F32). The message starts with the file name.

/// <summary>A safetensors file is malformed or uses an unsupported feature. The message names the file and the problem.</summary>
public sealed class SafeTensorsFormatException : FileFormatException
{
    /// <summary>Creates the exception for the file <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file path, or a description of the source such as <c>&lt;stream&gt;</c>.</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public SafeTensorsFormatException(string filePath, string problem, Exception? inner = null)
        : base(filePath, problem, inner)
    {
    }
}
