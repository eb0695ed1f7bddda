using System.Diagnostics;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test (the tests run as root, as in CI), which the test can fill to the last byte and
/// free again: the full disk an outbox meets in production, without touching the machine's disks.
/// </summary>
internal sealed class TinyDisk : IDisposable
{
    private readonly string _filler;

    public TinyDisk(int kilobytes)
    {
        Directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "disk-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Run("mount", $"-t tmpfs -o size={kilobytes}k tmpfs \"{Directory}\"");
        _filler = Path.Combine(Directory, "filler");
    }

    public string Directory { get; }

    /// <summary>Writes a file until the disk refuses another byte.</summary>
    public void Fill()
    {
        using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }

        var one = new byte[1];
        try
        {
            while (true)
            {
                file.Write(one);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // full to the byte
        }
    }

    public void Free() => File.Delete(_filler);

    public void Dispose() => Run("umount", $"-l \"{Directory}\"");

    private static void Run(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} failed ({process.ExitCode}): {error} — this fault test needs root, as in CI.");
        }
    }
}
