using System.Text.Json;
using MpEventRelay.Cli;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Simulation;
using MpEventRelay.TestKit;

namespace MpEventRelay.IntegrationTests.Operations;

/// <summary>Every <c>mprelay</c> command against a running relay.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private const string AdminKey = "cli-admin-key-0123456789abcdefghi";
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _bot.AnswerWith(push =>
        {
            var message = push.Open(Keys.Bot).Message;
            return message.Content == "please fail" ? (500, "broken"u8.ToArray()) : (200, ReplyWriter.Text(message, "bot says hi", 1714112446));
        });
        _relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(_idaas, _bot).FastRetries(expiry: "00:00:01").AdminKey(AdminKey).ToJson());
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        _idaas.Dispose();
        _bot.Dispose();
    }

    [Fact]
    public async Task Simulate_plays_WeChat_and_prints_the_decrypted_reply()
    {
        var (code, output, _) = await Run("simulate", "--url", Main, "--token", Keys.AccountToken, "--aes-key", Keys.AccountKey, "--appid", Keys.AppId, "--kind", "text", "--content", "hi");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("HTTP 200", output, StringComparison.Ordinal);
        Assert.Contains("bot says hi", output, StringComparison.Ordinal);
        Assert.Contains("encrypted, verified", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_three_retries_in_json_reach_the_IDaaS_once()
    {
        var (code, output, _) = await Run("simulate", "--url", Main, "--token", Keys.AccountToken, "--aes-key", Keys.AccountKey, "--appid", Keys.AppId, "--kind", "follow-qr", "--scene", "login_cli", "--times", "3", "--mode", "compatible", "--json");

        Assert.Equal(ExitCodes.Ok, code);
        var document = JsonDocument.Parse(output).RootElement;
        Assert.True(document.GetProperty("ok").GetBoolean());
        Assert.Equal(3, document.GetProperty("tries").GetArrayLength());
        Assert.Equal("login_cli", Assert.Single(_idaas.Received).Open(Keys.Idaas).Message.Scene);
    }

    [Fact]
    public async Task Simulate_expecting_a_reply_fails_when_the_target_refuses_and_the_relay_only_queues_the_push()
    {
        _bot.AnswerWith(_ => (503, "down"u8.ToArray()));

        var plain = await Run("simulate", "--url", Main, "--token", Keys.AccountToken, "--aes-key", Keys.AccountKey, "--appid", Keys.AppId, "--content", "queued");
        var expecting = await Run("simulate", "--url", Main, "--token", Keys.AccountToken, "--aes-key", Keys.AccountKey, "--appid", Keys.AppId, "--content", "queued too", "--expect-reply");

        Assert.Equal(ExitCodes.Ok, plain.Code); // a 200 'success': the push is durable, WeChat would be content
        Assert.Equal(ExitCodes.CheckFailed, expecting.Code);
        Assert.Contains("HTTP 200", expecting.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_prints_its_URL_and_a_simulate_command_that_works_as_printed()
    {
        // The first command of the README: the relay in Development on its demo configuration.
        var workDir = RelayProcess.NewWorkDirectory();
        var demo = await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Root(), "src", "MpEventRelay", "appsettings.Development.json"));
        using var relay = await RelayProcess.StartAsync(workDir, demo, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        Assert.True(await Eventually.TrueAsync(() => relay.Output.Contains("dotnet run --project src/MpEventRelay.Cli -- simulate", StringComparison.Ordinal)), relay.Output);

        var line = relay.Output.Split('\n').Single(l => l.Contains("-- simulate ", StringComparison.Ordinal));
        var printed = line[(line.IndexOf("-- simulate ", StringComparison.Ordinal) + 3)..].Trim().Split(' ');
        var (code, output, _) = await Run(printed);

        Assert.Contains($"{relay.BaseAddress.ToString().TrimEnd('/')}/wechat/demo", relay.Output, StringComparison.Ordinal);
        Assert.Contains("/console (admin key demoAdminKeyNotARealOne000000000)", relay.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("HTTP 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_with_the_wrong_token_fails_with_exit_code_1()
    {
        var (code, output, _) = await Run("simulate", "--url", Main, "--token", "wrongToken", "--mode", "plain", "--kind", "click");

        Assert.Equal(ExitCodes.CheckFailed, code);
        Assert.Contains("HTTP 401", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_url_passes_with_the_accounts_token_only()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("verify-url", "--url", Main, "--token", Keys.AccountToken)).Code);
        Assert.Equal(ExitCodes.CheckFailed, (await Run("verify-url", "--url", Main, "--token", Keys.BotToken)).Code);
        using var nothingListens = new ClosedPort();
        Assert.Equal(ExitCodes.Unreachable, (await Run("verify-url", "--url", $"http://127.0.0.1:{nothingListens.Port}/x", "--token", "abc")).Code);
    }

    [Fact]
    public async Task Check_config_lists_every_problem_refuses_the_unedited_template_and_accepts_it_filled()
    {
        var example = ExampleValues.File;
        var filled = await ExampleValues.WriteOverlayAsync();
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, """{ "Relay": { "Accounts": { "main": { "Path": "x", "Token": "t", "Routes": [ { "Target": "nobody" } ] } } } }""");

        var template = await Run("check-config", "--file", example, "--no-env");
        var valid = await Run("check-config", "--file", example, "--file", filled, "--no-env");
        var invalid = await Run("check-config", "--file", broken, "--json");
        var missing = await Run("check-config", "--file", "/nonexistent/appsettings.json");

        Assert.Equal(ExitCodes.CheckFailed, template.Code);
        Assert.Contains("Relay:Accounts:main:Token: still holds the template's placeholder", template.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, valid.Code);
        Assert.Contains("promo-qr → login → everything-else", valid.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.CheckFailed, invalid.Code);
        var problems = JsonDocument.Parse(invalid.Output).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.StartsWith("Relay:Accounts:main:Path:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Relay:Accounts:main:Routes:0:Target:", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Usage, missing.Code);
    }

    [Fact]
    public async Task Check_config_shows_each_effective_value_with_its_source_and_masks_secrets()
    {
        var example = ExampleValues.File;
        var filled = await ExampleValues.WriteOverlayAsync();
        var overlay = Path.Combine(Path.GetTempPath(), $"overlay-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(overlay, """{ "Relay": { "Deadline": "00:00:04", "Accounts": { "main": { "Token": "overlayToken1" } } } }""");

        var (code, output, _) = await Run("check-config", "--file", example, "--file", filled, "--file", overlay, "--no-env", "--show");

        Assert.Equal(ExitCodes.Ok, code);
        var deadline = output.Split('\n').Single(l => l.Contains("Relay:Deadline =", StringComparison.Ordinal));
        Assert.Contains("00:00:04", deadline, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(overlay), deadline, StringComparison.Ordinal); // the later file won
        var token = output.Split('\n').Single(l => l.Contains("Relay:Accounts:main:Token =", StringComparison.Ordinal));
        Assert.Contains("*** (13 chars)", token, StringComparison.Ordinal);
        Assert.DoesNotContain("overlayToken1", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.Contains("Relay:Accounts:main:Path = /wechat/main", StringComparison.Ordinal) && l.Contains("appsettings.example.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dead_letters_can_be_listed_and_replayed()
    {
        await Run("simulate", "--url", Main, "--token", Keys.AccountToken, "--aes-key", Keys.AccountKey, "--appid", Keys.AppId, "--content", "please fail");
        string output = string.Empty;
        Assert.True(await Eventually.TrueAsync(() => (output = Run("dead-letters", "list", "--url", _relay.BaseAddress.ToString(), "--admin-key", AdminKey).Result.Output).StartsWith("1 dead letter", StringComparison.Ordinal)));
        Assert.Contains("→ bot", output, StringComparison.Ordinal);

        _bot.AnswerWith(_ => (200, "success"u8.ToArray()));
        var replay = await Run("dead-letters", "replay", "--url", _relay.BaseAddress.ToString(), "--admin-key", AdminKey, "--id", "all");

        Assert.Equal(ExitCodes.Ok, replay.Code);
        Assert.True(await Eventually.TrueAsync(() => _bot.Accepted.Count == 1));
        Assert.Equal(ExitCodes.Unreachable, (await Run("dead-letters", "list", "--url", _relay.BaseAddress.ToString(), "--admin-key", "wrong")).Code);
    }

    [Fact]
    public async Task Trail_finds_a_users_push_by_OpenID_and_replay_dry_run_lists_failed_deliveries()
    {
        var user = Pushes.NewOpenId();
        await new WeChatPushClient(_relay.Http, Keys.Account).PushAsync(_relay.Url("/wechat/main"), Pushes.From(user).Text("where is my order", Pushes.NewMsgId()), EncryptionMode.Secure);
        var url = _relay.BaseAddress.ToString();

        var output = string.Empty;
        Assert.True(await Eventually.TrueAsync(() => (output = Run("trail", "--url", url, "--admin-key", AdminKey, "--openid", user).Result.Output).StartsWith("1 push(es)", StringComparison.Ordinal)), output);
        Assert.Contains("everything-else", output, StringComparison.Ordinal);
        Assert.Contains("request → bot/d0: 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain(user, output, StringComparison.Ordinal);
        // Times of one width, in UTC and saying so: the push's line and each event's.
        Assert.Matches(@"(?m)^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z  main/everything-else", output);
        Assert.All(output.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal)), l => Assert.Matches(@"^    \d{2}:\d{2}:\d{2}\.\d{3}Z ", l));
        Assert.Equal(ExitCodes.CheckFailed, (await Run("trail", "--url", url, "--admin-key", AdminKey, "--openid", Pushes.NewOpenId())).Code);

        var dryRun = await Run("replay", "--url", url, "--admin-key", AdminKey, "--target", "bot", "--since", DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"), "--dry-run");
        Assert.Equal(ExitCodes.Ok, dryRun.Code);
        Assert.StartsWith("0 failed deliveries would be sent again", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await Run("replay", "--url", url, "--admin-key", AdminKey)).Code);
    }

    [Fact]
    public async Task Usage_errors_exit_with_2_and_help_with_0()
    {
        Assert.Equal(ExitCodes.Usage, (await Run("simulate")).Code);
        Assert.Equal(ExitCodes.Usage, (await Run("simulate", "--url", Main, "--token", "t", "--kind", "dance")).Code);
        var help = await Run("--help");
        Assert.Equal(ExitCodes.Ok, help.Code);
        Assert.Contains("dead-letters", help.Output, StringComparison.Ordinal);
    }

    private string Main => _relay.Url("/wechat/main").ToString();

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
