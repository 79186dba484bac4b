using VaeSharp.Engine.IO;

namespace VaeSharp.Data;

// The error the data readers (IDX files, the MNIST loader) throw for a file whose content is
// wrong: bad magic number, unsupported type, wrong size, truncated, trailing bytes, bad labels.
// The message names the file, the field, and the expected and actual values.

/// <summary>A data file's content is malformed or not what was expected. The message names the file, the field and the expected and actual values.</summary>
public sealed class DataFormatException : FileFormatException
{
    /// <summary>Creates the exception for the file <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file path, or a description of the source such as <c>&lt;stream&gt;</c>.</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DataFormatException(string filePath, string problem, Exception? inner = null)
        : base(filePath, problem, inner)
    {
    }
}
