using VaeSharp.Imaging;

namespace VaeSharp.Cli;

internal static class ImageOutput
{
    // Creates the folder of an output file the user named (the file itself is written atomically later).
    public static void EnsureFolder(string file)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null) Directory.CreateDirectory(folder);
    }

    // Writes a grid PNG to any path the user names; its folder must exist or be creatable.
    public static void SaveGrid(string file, ReadOnlySpan<float> images, int count, int[] exampleShape, int columns)
    {
        EnsureFolder(file);
        ImageGrid.SaveExamples(file, images, count, exampleShape, columns);
    }
}
