using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;
using Yarp.ReverseProxy.Forwarder;

namespace MpEventRelay.IntegrationTests.Faults;

/// <summary>A delivery that throws something no one expected (a handler bug): that delivery fails, nothing else.</summary>
public sealed class ThrowingDeliveryTests
{
    private const string AdminKey = "throwing-admin-key-0123456789abcd";

    [Fact]
    public async Task A_handler_that_throws_costs_its_delivery_only_and_ends_as_a_dead_letter_with_its_reason()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        var config = RelayConfig.ModeTwo(idaas, bot).FastRetries(expiry: "00:00:01").AdminKey(AdminKey);
        await using var relay = await RelayServer.StartAsync(config.ToJson(), services => services.AddSingleton<IForwarderHttpClientFactory>(new ThrowingFactory("bot")));
        var wechat = new WeChatPushClient(relay.Http, Keys.Account);

        var text = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("to the broken bot", Pushes.NewMsgId()), EncryptionMode.Secure);
        var login = await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Scan("login_ok"), EncryptionMode.Secure);

        Assert.Equal(200, text.StatusCode);
        Assert.Equal(200, login.StatusCode);
        Assert.Single(idaas.Accepted); // the rest of the relay serves on
        Assert.Empty(bot.Received);
        JsonElement[] dead = [];
        Assert.True(await Eventually.TrueAsync(() =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/dead-letters") { Headers = { { "X-Admin-Key", AdminKey } } };
            dead = relay.Http.Send(request).Content.ReadFromJsonAsync<JsonElement[]>().GetAwaiter().GetResult()!;
            return dead.Length == 2; // the text, and the login's mirror copy to the bot
        }, TimeSpan.FromSeconds(15)));
        Assert.All(dead, d => Assert.Contains("InvalidOperationException: a handler bug", d.GetProperty("lastError").GetString(), StringComparison.Ordinal));
    }

    private sealed class ThrowingFactory(string cluster) : ForwarderHttpClientFactory
    {
        protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
            context.ClusterId == cluster ? new Throwing() : base.WrapHandler(context, handler);

        private sealed class Throwing : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                throw new InvalidOperationException("a handler bug");
        }
    }
}
