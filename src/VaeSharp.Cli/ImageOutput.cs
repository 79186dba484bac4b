using VaeSharp.Imaging;

namespace VaeSharp.Cli;

internal static class ImageOutput
{
    // Creates the folder of an output file the user named (the file itself is written atomically later) and checks,
    // before any work is done, that a file can be written there and that the name is not a link, FIFO or folder.
    public static void EnsureFolder(string file)
    {
        string full = Path.GetFullPath(file);
        string folder = Path.GetDirectoryName(full) ?? throw new UsageException($"'{file}': not a file path.");
        Directory.CreateDirectory(folder);
        Engine.IO.AtomicFile.CheckReplaceable(full);
        string probe = Path.Combine(folder, $".vae-write-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to '{folder}' (for {file}): {e.Message}", e);
        }
    }

    // Writes a grid PNG to any path the user names; its folder must exist or be creatable.
    public static void SaveGrid(string file, ReadOnlySpan<float> images, int count, int[] exampleShape, int columns)
    {
        EnsureFolder(file);
        ImageGrid.SaveExamples(file, images, count, exampleShape, columns);
    }
}
