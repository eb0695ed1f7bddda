using System.Net;
using MpEventRelay.Configuration;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Deployment;

/// <summary>
/// The published relay configured the way operators configure containers: environment variables only, with the
/// cluster names of the example configuration. What runs must be exactly what they wrote.
/// </summary>
public sealed class EnvironmentOnlyDeploymentTests(PublishedRelay published, ITestOutputHelper output) : IClassFixture<PublishedRelay>
{
    [Fact]
    public void The_published_relay_carries_no_account_cluster_or_secret()
    {
        Assert.False(File.Exists(Path.Combine(published.Directory, "appsettings.Development.json")));
        var shipped = File.ReadAllText(Path.Combine(published.Directory, "appsettings.json"));
        Assert.DoesNotContain("\"Relay\"", shipped, StringComparison.Ordinal);
        Assert.DoesNotContain("\"ReverseProxy\"", shipped, StringComparison.Ordinal);
        Assert.All(DemoSecrets.All, secret => Assert.DoesNotContain(secret, shipped, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_push_reaches_the_operators_destinations_and_the_demo_path_is_gone()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        using var relay = await RelayProcess.StartAsync(published.Directory, Operator(idaas, bot));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var wechat = new WeChatPushClient(http, Keys.Account);

        var logins = new List<byte[]>();
        var texts = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            logins.Add(Pushes.From().Subscribe($"login_{i}"));
            texts.Add(Pushes.From().Text($"hello {i}", Pushes.NewMsgId()));
        }

        foreach (var message in logins.Concat(texts))
        {
            var answer = await wechat.PushAsync(relay.Url("/wechat/main"), message, EncryptionMode.Secure);
            Assert.Equal(200, answer.StatusCode);
        }

        // Logins reach the IDaaS; the bot gets its mirror copy of each and every text.
        Assert.True(await Eventually.TrueAsync(() => bot.Accepted.Count >= 200, TimeSpan.FromSeconds(30)), $"bot accepted {bot.Accepted.Count} of 200");
        var toIdaas = DeliveryCount.Of(logins, idaas.Accepted, Keys.Idaas);
        var toBot = DeliveryCount.Of([.. logins, .. texts], bot.Accepted, Keys.Bot);
        output.WriteLine($"environment-only published relay: IDaaS {toIdaas}; bot {toBot}");
        Assert.Equal(new DeliveryCount(100, 100, 0, 0), toIdaas);
        Assert.Equal(new DeliveryCount(200, 200, 0, 0), toBot);
        Assert.Equal(100, idaas.Received.Count); // nothing else, and no text, went to the IDaaS

        var demo = await new WeChatPushClient(http, DemoKeys()).PushAsync(relay.Url("/wechat/demo"), Pushes.From().Subscribe("forged"), EncryptionMode.Secure);
        Assert.Equal(404, demo.StatusCode);
    }

    [Fact]
    public async Task The_demo_token_in_an_operators_configuration_refuses_to_start()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var environment = new Dictionary<string, string>(Operator(idaas, bot)) { ["Relay__Accounts__main__Token"] = DemoSecrets.AccountToken };

        var (exitCode, text) = await RelayProcess.RunUntilExitAsync(published.Directory, environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Relay:Accounts:main:Token: is a demo secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoSecrets.AccountToken, text.Replace("Relay:Accounts:main:Token", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_start_with_no_account_is_refused_with_the_reason()
    {
        var (exitCode, text) = await RelayProcess.RunUntilExitAsync(published.Directory, new Dictionary<string, string>
        {
            ["Relay__Storage__SqlitePath"] = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db"),
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Relay:Accounts: No account is configured", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReverseProxy__Clusters__idaas__Destinations__a__Address", "127.0.0.1:8080/wx", "ReverseProxy:Clusters:idaas:Destinations:a:Address: '127.0.0.1:8080/wx' is not an absolute http or https URI.")]
    [InlineData("Relay__Accounts__main__Targets__bot__Cluster", "legacy-bots", "Relay:Accounts:main:Targets:bot:Cluster: 'legacy-bots' is not a valid cluster")]
    [InlineData("Relay__Deadline", "soon", "Relay:Deadline: 'soon' is not a valid duration")]
    [InlineData("Relay__Resilience__AttemptTimout", "00:00:02", "Relay:Resilience:")]
    [InlineData("ReverseProxy__Clusters__idaas__HealthCheck__Active__Interval", "often", "ReverseProxy: YARP cannot read it")]
    public async Task A_typo_refuses_to_start_with_the_key_and_the_fix(string variable, string value, string expected)
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var environment = new Dictionary<string, string>(Operator(idaas, bot)) { [variable] = value };

        var (exitCode, text) = await RelayProcess.RunUntilExitAsync(published.Directory, environment);

        Assert.NotEqual(0, exitCode);
        var line = text.Split('\n').FirstOrDefault(l => l.Contains(expected, StringComparison.Ordinal));
        Assert.True(line is not null, $"expected a line with \"{expected}\" in:\n{text}");
        Assert.Contains("Fix:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_management_listener_the_push_port_serves_no_metrics_admin_or_health()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var environment = new Dictionary<string, string>(Operator(idaas, bot))
        {
            ["Relay__Management__Url"] = "http://127.0.0.1:0",
            ["Relay__Admin__Key"] = "an-admin-key-for-tests-0123456789",
        };
        using var relay = await RelayProcess.StartAsync(published.Directory, environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.NotEqual(relay.BaseAddress.Port, relay.ManagementAddress.Port);

        foreach (var path in new[] { "/metrics", "/health/live", "/health/ready", "/admin/dead-letters" })
        {
            using var onPush = new HttpRequestMessage(HttpMethod.Get, new Uri(relay.BaseAddress, path)) { Headers = { { "X-Admin-Key", "an-admin-key-for-tests-0123456789" } } };
            using var onManagement = new HttpRequestMessage(HttpMethod.Get, new Uri(relay.ManagementAddress, path)) { Headers = { { "X-Admin-Key", "an-admin-key-for-tests-0123456789" } } };
            Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(onPush)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(onManagement)).StatusCode);
        }

        var answer = await new WeChatPushClient(http, Keys.Account).PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("still served", Pushes.NewMsgId()), EncryptionMode.Secure);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(relay.ManagementAddress, "/wechat/main"))).StatusCode);
    }

    [Fact]
    public async Task Without_a_management_listener_admin_console_and_metrics_are_not_on_the_push_port_unless_opted_in()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var environment = new Dictionary<string, string>(Operator(idaas, bot)) { ["Relay__Admin__Key"] = "an-admin-key-for-tests-0123456789" };
        using var closed = await RelayProcess.StartAsync(published.Directory, environment);
        environment["Relay__Management__OnPushPort"] = "true";
        using var opted = await RelayProcess.StartAsync(published.Directory, environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        foreach (var path in new[] { "/metrics", "/console", "/admin/dead-letters", "/admin/trail", "/admin/overview" })
        {
            Assert.Equal(HttpStatusCode.NotFound, await GetAsync(http, closed.Url(path)));
            Assert.Equal(HttpStatusCode.OK, await GetAsync(http, opted.Url(path)));
        }

        Assert.Equal(HttpStatusCode.OK, await GetAsync(http, closed.Url("/health/ready"))); // a balancer still probes it
        Assert.Contains("Metrics, admin and the console are off", closed.Output, StringComparison.Ordinal);

        // DNS rebinding: a page on another name that resolves to the relay gets nothing.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, opted.Url("/metrics")) { Headers = { Host = "attacker.example" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
        using var admin = new HttpRequestMessage(HttpMethod.Get, opted.Url("/admin/dead-letters")) { Headers = { { "X-Admin-Key", "an-admin-key-for-tests-0123456789" } } };
        Assert.Equal("no-store", (await http.SendAsync(admin)).Headers.CacheControl?.ToString());
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient http, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { { "X-Admin-Key", "an-admin-key-for-tests-0123456789" } } };
        return (await http.SendAsync(request)).StatusCode;
    }

    private static WeChatKeys DemoKeys() => new(DemoSecrets.AccountToken, new Protocol.Crypto.WeChatCryptor(Keys.AppId, DemoSecrets.AccountKey));

    // The example configuration's shape, written as an operator would in a container's environment.
    private static Dictionary<string, string> Operator(TargetStub idaas, TargetStub bot) => new()
    {
        ["Relay__Storage__SqlitePath"] = Path.Combine(Path.GetTempPath(), "mprelay-tests", Guid.NewGuid().ToString("N") + ".db"),
        ["Relay__Accounts__main__Path"] = "/wechat/main",
        ["Relay__Accounts__main__AppId"] = Keys.AppId,
        ["Relay__Accounts__main__Token"] = Keys.AccountToken,
        ["Relay__Accounts__main__EncodingAESKey"] = Keys.AccountKey,
        ["Relay__Accounts__main__Targets__idaas__Cluster"] = "idaas",
        ["Relay__Accounts__main__Targets__idaas__Token"] = Keys.IdaasToken,
        ["Relay__Accounts__main__Targets__idaas__EncodingAESKey"] = Keys.IdaasKey,
        ["Relay__Accounts__main__Targets__idaas__Encryption"] = "Secure",
        ["Relay__Accounts__main__Targets__bot__Cluster"] = "legacy-bot",
        ["Relay__Accounts__main__Targets__bot__Token"] = Keys.BotToken,
        ["Relay__Accounts__main__Targets__bot__EncodingAESKey"] = Keys.BotKey,
        ["Relay__Accounts__main__Routes__0__Name"] = "login",
        ["Relay__Accounts__main__Routes__0__Match__MsgType"] = "event",
        ["Relay__Accounts__main__Routes__0__Match__Event__0"] = "subscribe",
        ["Relay__Accounts__main__Routes__0__Match__Event__1"] = "SCAN",
        ["Relay__Accounts__main__Routes__0__Target"] = "idaas",
        ["Relay__Accounts__main__Routes__0__Mirror__0"] = "bot",
        ["Relay__Accounts__main__Routes__1__Name"] = "everything-else",
        ["Relay__Accounts__main__Routes__1__Target"] = "bot",
        ["ReverseProxy__Clusters__idaas__Destinations__a__Address"] = idaas.Address,
        ["ReverseProxy__Clusters__legacy-bot__Destinations__a__Address"] = bot.Address,
    };
}
