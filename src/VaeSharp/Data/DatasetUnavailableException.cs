namespace VaeSharp.Data;

// Thrown when a data set's files are neither in the folder given nor obtainable (the fetch tool
// is missing or failed). The message always says which files to put in which folder, so a user
// without npm or apt can still supply the data by hand.

/// <summary>A data set's files are missing and could not be fetched. The message lists the files to provide and the folder to put them in.</summary>
public sealed class DatasetUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="datasetName">The data set, e.g. <c>mnist</c>.</param>
    /// <param name="folder">The folder where the files were expected.</param>
    /// <param name="message">The full explanation, including what to put where.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public DatasetUnavailableException(string datasetName, string folder, string message, Exception? inner = null)
        : base(message, inner)
    {
        DatasetName = datasetName;
        Folder = folder;
    }

    /// <summary>The data set, e.g. <c>mnist</c> or <c>fashion-mnist</c>.</summary>
    public string DatasetName { get; }

    /// <summary>The folder where the data set's files were expected.</summary>
    public string Folder { get; }
}
