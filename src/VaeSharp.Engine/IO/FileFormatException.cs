namespace VaeSharp.Engine.IO;

// The common base of the errors our file readers throw for content they cannot accept (safetensors
// here; PNG and IDX in VaeSharp). A front end catches this one type to report "bad input file".
// The message is always "<file>: <problem>".

/// <summary>A file's content is malformed or uses an unsupported feature. The message names the file and the problem.</summary>
public class FileFormatException : Exception
{
    /// <summary>Creates the exception for the file <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file path, or a description of the source such as <c>&lt;stream&gt;</c>.</param>
    /// <param name="problem">What is wrong, without the file name.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public FileFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file path, or a description of the source, that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
