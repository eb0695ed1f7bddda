using System.Collections.Concurrent;
using MpEventRelay.Protocol.Messages;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using ResponseMessage = WireMock.ResponseMessage;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A downstream developer server (IDaaS or bot) on a real port, played by WireMock.Net. It records every push as
/// it arrived and answers with what the test configures; by default "success".
/// </summary>
internal sealed class TargetStub : IDisposable
{
    private readonly WireMockServer _server;
    private readonly ConcurrentQueue<ReceivedPush> _received = new();
    private readonly ConcurrentQueue<ReceivedPush> _accepted = new();
    private long _delayTicks;
    private volatile Func<ReceivedPush, (int Status, byte[] Body)> _answer = _ => (200, "success"u8.ToArray());

    public TargetStub(string path = "/wx", int? port = null)
    {
        _server = port is null ? WireMockServer.Start() : WireMockServer.Start(port.Value);
        Path = path;
        Map();
    }

    public string Path { get; }

    public string Address => _server.Urls[0] + Path;

    /// <summary>Every push that arrived, whatever the stub answered.</summary>
    public IReadOnlyList<ReceivedPush> Received => _received.ToArray();

    /// <summary>The pushes the stub answered with a 2xx: the ones delivered.</summary>
    public IReadOnlyList<ReceivedPush> Accepted => _accepted.ToArray();

    /// <summary>Answers every push with <paramref name="answer"/>.</summary>
    public void AnswerWith(Func<ReceivedPush, (int Status, byte[] Body)> answer) => _answer = answer;

    /// <summary>Answers after <paramref name="delay"/> (a slow or hung target), without blocking a thread; arrivals are recorded at once.</summary>
    public void Delay(TimeSpan delay) => Interlocked.Exchange(ref _delayTicks, delay.Ticks);

    public void Dispose() => _server.Stop();

    private void Map()
    {
        _server.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                var push = Record(request);
                var delay = Interlocked.Read(ref _delayTicks);
                if (delay > 0)
                {
                    await Task.Delay(TimeSpan.FromTicks(delay));
                }

                var (status, body) = _answer(push);
                if (status is >= 200 and < 300)
                {
                    _accepted.Enqueue(push);
                }

                return (WireMock.IResponseMessage)new ResponseMessage
                {
                    StatusCode = status,
                    BodyData = new BodyData { BodyAsBytes = body, DetectedBodyType = BodyType.Bytes },
                };
            }));
    }

    private ReceivedPush Record(WireMock.IRequestMessage request)
    {
        var query = request.Query ?? new Dictionary<string, WireMockList<string>>();
        string? Get(string name) => query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;
        var push = new ReceivedPush(
            PushQuery.From(Get),
            request.BodyAsBytes ?? System.Text.Encoding.UTF8.GetBytes(request.Body ?? string.Empty),
            request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase) ?? []);
        _received.Enqueue(push);
        return push;
    }
}
