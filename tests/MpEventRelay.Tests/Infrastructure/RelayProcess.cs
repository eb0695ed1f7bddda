using System.Diagnostics;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>
/// The relay as a separate OS process (<c>dotnet MpEventRelay.dll</c>), configured by an appsettings.json in its own
/// working directory, so a test can kill it with SIGKILL (<c>kill -9</c>) and start it again on the same data.
/// </summary>
internal sealed class RelayProcess : IDisposable
{
    private readonly Process _process;

    private RelayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<RelayProcess> StartAsync(string workingDirectory, string configurationJson, int port)
    {
        Directory.CreateDirectory(workingDirectory);
        await File.WriteAllTextAsync(Path.Combine(workingDirectory, "appsettings.json"), configurationJson);
        var relayDll = Path.Combine(AppContext.BaseDirectory, "MpEventRelay.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", $"\"{relayDll}\" --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var relay = new RelayProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await relay.WaitUntilLiveAsync();
        return relay;
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining, nothing flushed by the relay.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private async Task WaitUntilLiveAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The relay process exited with code {_process.ExitCode} during start-up.");
            }

            try
            {
                if ((await http.GetAsync(Url("/health/live"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The relay process did not become live within 30 s.");
    }
}
