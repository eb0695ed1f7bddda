using System.Text.Json.Nodes;
using MpEventRelay.IntegrationTests.Infrastructure;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>
/// The relay process reads edits of its configuration file by polling, with no inotify watch on its working directory:
/// the outbox's SQLite file lives there, and a watcher woke at each of its commits (5–8 % of the relay's CPU under load).
/// </summary>
public sealed class ConfigurationPollingTests
{
    [Fact]
    public async Task An_edit_is_read_and_nothing_watches_the_directory_the_outbox_writes_in()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var directory = RelayProcess.NewWorkDirectory();
        var config = JsonNode.Parse(RelayConfig.ModeTwo(idaas, bot).SqlitePath(Path.Combine(directory, "outbox.db")).ToJson())!;
        using var relay = await RelayProcess.StartAsync(directory, config.ToJsonString());

        Assert.Equal(0, InotifyWatches(relay.Id));
        var reloads = Reloads(relay);

        config["Relay"]!["Accounts"]!["main"]!["Routes"]!.AsArray().Insert(0, new JsonObject { ["Name"] = "texts", ["Match"] = new JsonObject { ["MsgType"] = "text" }, ["Target"] = "idaas" });
        var edited = Path.Combine(directory, "appsettings.json.new");
        await File.WriteAllTextAsync(edited, config.ToJsonString());
        File.Move(edited, Path.Combine(directory, "appsettings.json"), overwrite: true);

        Assert.True(await Eventually.TrueAsync(() => Reloads(relay) > reloads, TimeSpan.FromSeconds(30)), relay.Output);
        Assert.Equal(0, InotifyWatches(relay.Id));
    }

    private static int Reloads(RelayProcess relay) => relay.Output.Split('\n').Count(line => line.Contains("Configuration reloaded", StringComparison.Ordinal));

    // Each inotify descriptor lists one "inotify wd:" line per watched path in /proc/PID/fdinfo.
    private static int InotifyWatches(int pid) =>
        new DirectoryInfo($"/proc/{pid}/fd").GetFiles()
            .Where(fd => fd.LinkTarget == "anon_inode:inotify")
            .Sum(fd => File.ReadLines($"/proc/{pid}/fdinfo/{fd.Name}").Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)));
}
