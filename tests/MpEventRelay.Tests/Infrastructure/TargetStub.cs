using System.Collections.Concurrent;
using MpEventRelay.Protocol.Messages;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using ResponseMessage = WireMock.ResponseMessage;

namespace MpEventRelay.Tests.Infrastructure;

/// <summary>
/// A downstream developer server (IDaaS or bot) on a real port, played by WireMock.Net. It records every push as
/// it arrived and answers with what the test configures; by default "success".
/// </summary>
internal sealed class TargetStub : IDisposable
{
    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<ReceivedPush> _received = new();
    private volatile Func<ReceivedPush, (int Status, byte[] Body)> _answer = _ => (200, "success"u8.ToArray());

    public TargetStub(string path = "/wx")
    {
        _server = WireMockServer.Start();
        Path = path;
        Map(TimeSpan.Zero);
    }

    public string Path { get; }

    public string Address => _server.Urls[0] + Path;

    public IReadOnlyList<ReceivedPush> Received => _received.ToArray();

    /// <summary>Answers every push with <paramref name="answer"/>.</summary>
    public void AnswerWith(Func<ReceivedPush, (int Status, byte[] Body)> answer) => _answer = answer;

    /// <summary>Answers after <paramref name="delay"/> (a slow or hung target), without blocking a thread.</summary>
    public void Delay(TimeSpan delay)
    {
        _server.Reset();
        Map(delay);
    }

    public void Dispose() => _server.Stop();

    private void Map(TimeSpan delay)
    {
        var response = Response.Create().WithCallback(request =>
        {
            var push = Record(request);
            var (status, body) = _answer(push);
            return new ResponseMessage
            {
                StatusCode = status,
                BodyData = new BodyData { BodyAsBytes = body, DetectedBodyType = BodyType.Bytes },
            };
        });
        _server.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(delay > TimeSpan.Zero ? response.WithDelay(delay) : response);
    }

    private ReceivedPush Record(WireMock.IRequestMessage request)
    {
        var query = request.Query ?? new Dictionary<string, WireMockList<string>>();
        string? Get(string name) => query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
        var push = new ReceivedPush(
            new PushQuery
            {
                Signature = Get("signature"),
                Timestamp = Get("timestamp"),
                Nonce = Get("nonce"),
                OpenId = Get("openid"),
                EncryptType = Get("encrypt_type"),
                MsgSignature = Get("msg_signature"),
            },
            request.BodyAsBytes ?? System.Text.Encoding.UTF8.GetBytes(request.Body ?? string.Empty),
            request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase) ?? []);
        _received.Enqueue(push);
        return push;
    }
}
