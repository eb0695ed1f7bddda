using System.Reflection.PortableExecutable;

namespace MpEventRelay.LoadTest;

/// <summary>
/// Whether a server's code is precompiled (ReadyToRun, as the container image publishes the relay) or left to the JIT:
/// the two differed by 2–13 % of CPU a push in four side-by-side runs, so every run says which it measured.
/// </summary>
internal static class ReadyToRun
{
    /// <summary>"ReadyToRun" or "JIT" for the assembly at <paramref name="path"/>.</summary>
    public static string Describe(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 } ? "ReadyToRun" : "JIT";
    }
}
