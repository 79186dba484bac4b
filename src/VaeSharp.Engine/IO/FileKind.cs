using System.Runtime.InteropServices;

namespace VaeSharp.Engine.IO;

/// <summary>What kind of file system entry a path names, without following a final symbolic link.</summary>
public enum FileKindResult
{
    /// <summary>Nothing is there.</summary>
    Missing,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A symbolic link.</summary>
    SymbolicLink,
    /// <summary>A FIFO, socket or device.</summary>
    Special,
}

/// <summary>
/// Tells a regular file from a link, folder, FIFO or device. .NET reports a FIFO as a normal file, so on Linux this asks
/// the kernel (statx, whose layout is the same on every architecture); elsewhere it falls back to .NET's view.
/// </summary>
public static unsafe class FileKind
{
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 1;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* buffer);

    /// <summary>The kind of entry at <paramref name="path"/>.</summary>
    public static FileKindResult Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKindResult.SymbolicLink;
        if (System.IO.Directory.Exists(path)) return FileKindResult.Directory;
        if (!info.Exists) return FileKindResult.Missing;
        if (!OperatingSystem.IsLinux()) return FileKindResult.Regular;
        byte* buffer = stackalloc byte[256];   // struct statx
        try
        {
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0) return FileKindResult.Regular;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return FileKindResult.Regular;
        }
        ushort mode = *(ushort*)(buffer + 28);   // stx_mode
        return (mode & 0xF000) switch
        {
            0x8000 => FileKindResult.Regular,
            0x4000 => FileKindResult.Directory,
            0xA000 => FileKindResult.SymbolicLink,
            _ => FileKindResult.Special,
        };
    }
}
