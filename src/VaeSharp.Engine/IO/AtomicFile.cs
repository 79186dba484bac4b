namespace VaeSharp.Engine.IO;

// Writes a file so that readers see either the old file or the complete new one, never a part:
// the content goes to a temporary file in the same folder (same file system), is flushed to disk,
// then renamed over the target. On any failure the temporary file is deleted and the target is
// left untouched. It does not create missing folders, and it refuses to replace anything but a regular
// file (a symbolic link, FIFO, device or folder of that name stays as it is).

/// <summary>Atomic file replacement: write to a temporary file in the same folder, then rename it over the target.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the bytes <paramref name="write"/> puts into the stream.</summary>
    /// <param name="path">The file to create or replace. Its folder must exist.</param>
    /// <param name="write">Writes the whole content into the given stream; it must not dispose it.</param>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{fullPath}': the folder '{folder}' does not exist.");
        CheckReplaceable(fullPath);

        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Throws unless <paramref name="path"/> is missing or a regular file (what <see cref="Write"/> may replace).</summary>
    /// <exception cref="IOException">It is a symbolic link, folder, FIFO or device; the message says which.</exception>
    public static void CheckReplaceable(string path)
    {
        var kind = FileKind.Of(path);
        if (kind is FileKindResult.Missing or FileKindResult.Regular) return;
        string what = kind switch
        {
            FileKindResult.SymbolicLink => $"a symbolic link (to {new FileInfo(path).LinkTarget})",
            FileKindResult.Directory => "a folder",
            _ => "a FIFO, socket or device",
        };
        throw new IOException($"'{path}' is {what}, not a regular file; VaeSharp writes files by replacing them and will not replace it.");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
