using System.Net;
using MpEventRelay.IntegrationTests.Infrastructure;

namespace MpEventRelay.IntegrationTests.Security;

/// <summary>
/// Guessing the admin key costs the guesser, never the operator: wrong keys are limited per client address (the
/// forwarded one behind a trusted proxy) and in all, and the right key is always served. The relay as its own
/// process, Production, configured by environment variables.
/// </summary>
public sealed class AdminKeyTests : IDisposable
{
    private readonly TargetStub _idaas = new();
    private readonly TargetStub _bot = new();

    private const string Key = "admin-key-tests-0123456789abcdefgh";

    [Fact]
    public async Task Twelve_wrong_keys_from_one_address_are_limited_and_the_right_key_still_gets_in()
    {
        using var relay = await StartAsync();
        using var http = new HttpClient();

        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            wrong.Add(await ListAsync(http, relay, $"guess-{i}"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), wrong);
        Assert.Equal(HttpStatusCode.OK, await ListAsync(http, relay, Key));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_limit_follows_the_forwarded_client_and_elsewhere_the_header_is_ignored()
    {
        using var trusting = await StartAsync(new() { ["Relay__Management__TrustedProxies__0"] = "127.0.0.1" });
        using var untrusting = await StartAsync();
        using var http = new HttpClient();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(http, trusting, "guess", forwardedFor: "203.0.113.7"));
            Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(http, untrusting, "guess", forwardedFor: $"203.0.113.{i}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await ListAsync(http, trusting, "guess", forwardedFor: "203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(http, trusting, "guess", forwardedFor: "203.0.113.8")); // another client behind the same proxy
        Assert.Equal(HttpStatusCode.TooManyRequests, await ListAsync(http, untrusting, "guess", forwardedFor: "203.0.113.99")); // a forged header changes nothing
    }

    [Fact]
    public async Task A_hundred_wrong_keys_spread_over_a_hundred_addresses_reach_the_ceiling_and_the_right_key_still_gets_in()
    {
        using var relay = await StartAsync(new() { ["Relay__Management__TrustedProxies__0"] = "127.0.0.1" });
        using var http = new HttpClient();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(http, relay, "guess", forwardedFor: $"198.51.100.{i}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await ListAsync(http, relay, "guess", forwardedFor: "198.51.100.200"));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(http, relay, Key, forwardedFor: "198.51.100.201"));
    }

    public void Dispose()
    {
        _idaas.Dispose();
        _bot.Dispose();
    }

    private Task<RelayProcess> StartAsync(Dictionary<string, string>? environment = null)
    {
        var workDir = RelayProcess.NewWorkDirectory();
        var variables = environment ?? [];
        variables["Relay__Admin__Key"] = Key;
        return RelayProcess.StartAsync(workDir, RelayConfig.ModeTwo(_idaas, _bot).ToJson(), variables);
    }

    private static async Task<HttpStatusCode> ListAsync(HttpClient http, RelayProcess relay, string key, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(relay.ManagementAddress, "/admin/dead-letters")) { Headers = { { "X-Admin-Key", key } } };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return (await http.SendAsync(request)).StatusCode;
    }
}
