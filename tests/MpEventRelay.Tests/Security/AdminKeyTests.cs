using System.Net;
using MpEventRelay.Tests.Infrastructure;

namespace MpEventRelay.Tests.Security;

/// <summary>Guessing the admin key costs the guesser: wrong keys are limited per source address.</summary>
public sealed class AdminKeyTests
{
    [Fact]
    public async Task After_ten_wrong_keys_in_a_minute_an_address_gets_429_even_with_the_right_key()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).AdminKey("the-right-key").ToJson());

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < Admin.AdminKeyFilter.FailuresPerMinute + 2; i++)
        {
            answers.Add(await ListAsync(relay, $"guess-{i}"));
        }

        var right = await ListAsync(relay, "the-right-key");

        Assert.All(answers.Take(Admin.AdminKeyFilter.FailuresPerMinute), a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.All(answers.Skip(Admin.AdminKeyFilter.FailuresPerMinute), a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
        Assert.Equal(HttpStatusCode.TooManyRequests, right); // the address is locked out for the rest of the minute
    }

    [Fact]
    public async Task The_right_key_is_served()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        await using var relay = await RelayServer.StartAsync(RelayConfig.ModeTwo(idaas, bot).AdminKey("the-right-key").ToJson());

        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(relay, "wrong"));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(relay, "the-right-key"));
    }

    private static async Task<HttpStatusCode> ListAsync(RelayServer relay, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/dead-letters") { Headers = { { "X-Admin-Key", key } } };
        return (await relay.Http.SendAsync(request)).StatusCode;
    }
}
