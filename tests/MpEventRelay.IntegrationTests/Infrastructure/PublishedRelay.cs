using System.Diagnostics;
using System.Reflection;
using MpEventRelay.TestKit;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// The relay as <c>dotnet publish</c> lays it out (what the container image copies), published once per test class
/// from the build the tests run against.
/// </summary>
public sealed class PublishedRelay : IDisposable
{
    public PublishedRelay()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mprelay-tests", "published-" + Guid.NewGuid().ToString("N"));
        var configuration = typeof(PublishedRelay).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = Path.Combine(RepositoryFiles.Root(), "src", "MpEventRelay", "MpEventRelay.csproj");
        using var publish = Process.Start(new ProcessStartInfo("dotnet", $"publish \"{project}\" -c {configuration} --no-build --nologo -v q -o \"{Directory}\"")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var error = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(TimeSpan.FromMinutes(3)) || publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed: {output.Result}{error.Result}");
        }
    }

    /// <summary>The publish directory: the relay's working directory, as /app is in the image.</summary>
    public string Directory { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
