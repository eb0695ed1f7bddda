using System.Text;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Security;

/// <summary>
/// What the relay keeps on disk names no one: a login push left pending (the IDaaS down) is in the outbox sealed with
/// the account's key, in the trail by keyed hashes only, and no file under the data directory holds its OpenID or
/// its login scene, in clear or as the unkeyed hash an earlier version used for the push's id.
/// </summary>
public sealed class DataAtRestTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_pending_login_leaves_neither_its_OpenID_nor_its_scene_in_any_file()
    {
        const string openId = "oDISTINCTIVEopenid0000000042";
        const string scene = "secret_scene_77";
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        idaas.AnswerWith(_ => (503, "down"u8.ToArray()));
        var workDir = RelayProcess.NewWorkDirectory();
        var data = Path.Combine(workDir, "data");
        using var relay = await RelayProcess.StartAsync(workDir, RelayConfig.ModeTwo(idaas, bot).FastRetries().SqlitePath(Path.Combine(data, "outbox.db")).ToJson());
        using var http = new HttpClient();

        var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From(openId).Subscribe(scene), EncryptionMode.Secure);
        Assert.Equal(200, answer.StatusCode);
        Assert.True(await Eventually.TrueAsync(() => idaas.Received.Count >= 2), "the login was not retried from the outbox");
        var trailId = idaas.Received[0].Headers["Idempotency-Key"];
        // The trail has it, keyed: once its writer stored the try, it is on disk.
        Assert.True(await Eventually.TrueAsync(() => Files(data).Any(f => Contains(f, trailId))), "the push's trail id is nowhere on disk");

        var clearKey = $"{Keys.AppId}|e|{openId}|";
        var files = Files(data).ToList();
        output.WriteLine($"{files.Count} files under data/ ({string.Join(", ", files.Select(Path.GetFileName))}), {files.Sum(f => new FileInfo(f).Length)} bytes; trail id {trailId}");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.False(Contains(file, openId), $"{file} holds the OpenID");
            Assert.False(Contains(file, scene), $"{file} holds the scene");
            Assert.False(Contains(file, clearKey), $"{file} holds the clear dedup key");
        }
    }

    private static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories) : [];

    // Read while the relay has the files open (SQLite's WAL included), as any reader of the disk could. A file gone
    // since it was listed (SQLite's short-lived -journal while it opens a database) holds nothing any more.
    private static bool Contains(string file, string text)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
