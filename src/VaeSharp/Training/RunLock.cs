using System.Diagnostics;
using System.Globalization;

namespace VaeSharp.Training;

/// <summary>
/// One writer per run folder: <c>.lock</c> holds the pid of the process training in it. A lock whose process is gone
/// (killed) is stale and taken over; a live one refuses the second writer.
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";
    private readonly string _path;
    private bool _released;

    private RunLock(string path, int? staleOwner)
    {
        _path = path;
        TookOverFrom = staleOwner;
    }

    /// <summary>The pid of the killed process whose lock this one replaced, or null.</summary>
    public int? TookOverFrom { get; }

    public static RunLock Acquire(string folder)
    {
        string path = Path.Combine(folder, FileName);
        int me = Environment.ProcessId;
        int? stale = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stream.Write(System.Text.Encoding.ASCII.GetBytes(me.ToString(CultureInfo.InvariantCulture)));
                return new RunLock(path, stale);
            }
            catch (IOException) when (File.Exists(path))
            {
                string text = File.ReadAllText(path).Trim();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int owner) && owner != me && IsAlive(owner))
                    throw new IOException($"Run folder '{folder}' is in use: process {owner} is training in it ({path}). Wait for it, or stop it first.");
                if (owner == me) throw new IOException($"Run folder '{folder}' is already open for training in this process.");
                stale = int.TryParse(text, out int p) ? p : null;
                File.Delete(path);   // the owner is gone: take the lock over
            }
        }
        throw new IOException($"Could not take the lock {path}.");
    }

    private static bool IsAlive(int pid)
    {
        // A killed process can linger as a zombie until its parent reaps it: it trains no more.
        string stat = $"/proc/{pid}/stat";
        if (File.Exists(stat))
        {
            try
            {
                string text = File.ReadAllText(stat);
                int close = text.LastIndexOf(')');
                if (close > 0 && close + 2 < text.Length && text[close + 2] is 'Z' or 'X') return false;
            }
            catch (IOException) { return false; }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try { File.Delete(_path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
