using System.Globalization;

namespace VaeSharp.Training;

/// <summary>
/// One writer per run folder: the training process holds <c>.lock</c> open with <see cref="FileShare.None"/> for the
/// whole run, which .NET on Unix backs with an exclusive <c>flock</c>. The kernel drops the lock when the process ends
/// in any way (a kill included), so a stale file is simply taken over; a live holder — another process or another run
/// in this one — is refused. The owner's pid goes into <c>.lock.owner</c> beside it (a locked file cannot be read by
/// others), for the message only.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";
    private readonly string _path;
    private FileStream? _stream;

    private RunLock(string path, FileStream stream)
    {
        _path = path;
        _stream = stream;
    }

    public static RunLock Acquire(string folder)
    {
        string path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new IOException($"Run folder '{folder}' is in use: {Owner(path)} is training in it ({path}). Wait for it, or stop it first.", e);
        }
        File.WriteAllText(path + ".owner", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new RunLock(path, stream);
    }

    private static string Owner(string path)
    {
        try
        {
            string pid = File.Exists(path + ".owner") ? File.ReadAllText(path + ".owner").Trim() : "";
            return pid.Length == 0 ? "another run" : pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) ? "another run in this process" : $"process {pid}";
        }
        catch (IOException) { return "another process"; }
    }

    public void Dispose()
    {
        if (_stream is null) return;
        try
        {
            File.Delete(_path + ".owner");
            File.Delete(_path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _stream.Dispose();
        _stream = null;
    }
}
