using System.Text;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.ApiGateway;
using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Building;
using MpEventRelay.Model;

namespace MpEventRelay.UnitTests.ApiGateway;

/// <summary>The relay-issued client tokens: valid until their expiry for their own client only, unforgeable, retired with the secret.</summary>
public sealed class ClientTokensTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_token_names_its_client_until_it_expires()
    {
        var gateway = Gateway(Client("bot", "bot-secret-000000000000000000000001"), Client("qr", "qr-secret-0000000000000000000000002"));
        var token = ClientTokens.Issue(gateway.Clients["bot"], _time.GetUtcNow() + TimeSpan.FromHours(2));

        Assert.Equal(("bot", 0), Read(token, gateway));
        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(("bot", 0), Read(token, gateway));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((null, 42001), Read(token, gateway));
    }

    [Fact]
    public void A_token_changed_in_any_part_or_moved_to_another_client_is_refused()
    {
        var gateway = Gateway(Client("bot", "bot-secret-000000000000000000000001"), Client("qr", "qr-secret-0000000000000000000000002"));
        var token = ClientTokens.Issue(gateway.Clients["bot"], _time.GetUtcNow() + TimeSpan.FromHours(2));
        var parts = token.Split('.');

        Assert.Equal((null, 40001), Read(string.Join('.', parts[0], "qr", parts[2], parts[3], parts[4]), gateway));
        Assert.Equal((null, 40001), Read(string.Join('.', parts[0], parts[1], (long.Parse(parts[2]) + 3600).ToString(), parts[3], parts[4]), gateway));
        Assert.Equal((null, 40001), Read(string.Join('.', parts[0], parts[1], parts[2], (parts[3][0] == '0' ? "1" : "0") + parts[3][1..], parts[4]), gateway));
        Assert.Equal((null, 40001), Read(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), gateway));
        Assert.Equal((null, 40001), Read("ACCESS_TOKEN_FROM_WECHAT", gateway));
        Assert.Equal((null, 41001), Read("", gateway));
    }

    [Fact]
    public void A_new_secret_retires_the_clients_tokens_and_tokens_differ_each_time()
    {
        var before = Gateway(Client("bot", "bot-secret-000000000000000000000001"));
        var first = ClientTokens.Issue(before.Clients["bot"], _time.GetUtcNow() + TimeSpan.FromHours(2));
        var second = ClientTokens.Issue(before.Clients["bot"], _time.GetUtcNow() + TimeSpan.FromHours(2));
        var rotated = Gateway(Client("bot", "bot-secret-000000000000000000000009"));

        Assert.NotEqual(first, second);
        Assert.Equal((null, 40001), Read(first, rotated));
        Assert.DoesNotContain("bot-secret", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_refusal_says_why_in_WeChats_words_and_a_good_token_reads_ok()
    {
        var gateway = Gateway(Client("bot", "bot-secret-000000000000000000000001"));
        var token = ClientTokens.Issue(gateway.Clients["bot"], _time.GetUtcNow() + TimeSpan.FromHours(2));
        var parts = token.Split('.');
        string Reason(string value) => ClientTokens.Read(value, gateway, _time.GetUtcNow()).Reason;

        Assert.Equal("ok", Reason(token));
        Assert.Equal("access_token missing", Reason(""));
        Assert.Equal("invalid credential, access_token is invalid or not latest (not a token this relay issued)", Reason("ACCESS_TOKEN_FROM_WECHAT"));
        Assert.Equal("invalid credential, access_token is invalid or not latest (not a token this relay issued)", Reason(string.Join('.', parts[..4]) + ".AAAA"));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal("access_token expired (get a new one from the relay's cgi-bin/token)", Reason(token));
    }

    private (string? Client, int Code) Read(string token, ApiGatewayModel gateway)
    {
        var (client, code, _) = ClientTokens.Read(token, gateway, _time.GetUtcNow());
        return (client?.Name, code);
    }

    private static ApiClientModel Client(string name, string secret) => new()
    {
        Name = name,
        Account = TestModel.Account(),
        Secret = Encoding.UTF8.GetBytes(secret),
        TokenKey = ApiGatewayModelFactory.TokenKeyOf(Encoding.UTF8.GetBytes(secret)),
        Apis = new HashSet<string> { "/cgi-bin/user/info" },
        ApiPrefixes = [],
        PermitsPerMinute = 0,
    };

    private static ApiGatewayModel Gateway(params ApiClientModel[] clients) => new()
    {
        Listener = ApiGatewayListener.Management,
        TokenLifetime = TimeSpan.FromHours(2),
        Clients = clients.ToDictionary(c => c.Name),
        PathRoots = ["/cgi-bin"],
    };
}
