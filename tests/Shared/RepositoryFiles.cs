namespace MpEventRelay.TestKit;

/// <summary>Files of this repository the tests read (the example configuration, the Dockerfile, the dashboard).</summary>
internal static class RepositoryFiles
{
    /// <summary>The directory holding <c>MpEventRelay.sln</c>, found upwards from the test assembly.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MpEventRelay.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MpEventRelay.sln not found above the test assembly.");
    }
}
