using System.Collections.Concurrent;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using ResponseMessage = WireMock.ResponseMessage;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// WeChat's API, played by WireMock.Net on a real port: <c>stable_token</c> hands out token-1, token-2… (one per call);
/// <c>message/custom/send</c> and <c>message/custom/typing</c> record each call and answer what the test configures
/// (by default errcode 0). Nothing here ever calls the real WeChat.
/// </summary>
internal sealed class WeChatApiStub : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly ConcurrentQueue<JsonElement> _tokenRequests = new();
    private readonly ConcurrentQueue<ApiCall> _sent = new();
    private readonly ConcurrentQueue<ApiCall> _typing = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ApiCall>> _calls = new(StringComparer.Ordinal);
    private int _tokens;
    private volatile Func<ApiCall, int> _sendAnswer = _ => 0;
    private TimeSpan _sendDelay;
    private volatile Func<ApiCall, (int ErrorCode, TimeSpan Delay)> _apiAnswer = _ => (0, TimeSpan.Zero);
    private volatile Func<int, bool, string> _tokenAnswer = (n, _) => $"token-{n}";

    public WeChatApiStub()
    {
        Map("/cgi-bin/stable_token", request =>
        {
            var body = JsonDocument.Parse(request.Body ?? "{}").RootElement.Clone();
            _tokenRequests.Enqueue(body);
            var force = body.TryGetProperty("force_refresh", out var f) && f.ValueKind == JsonValueKind.True;
            return new { access_token = _tokenAnswer(Interlocked.Increment(ref _tokens), force), expires_in = 7200 };
        });
        Map("/cgi-bin/message/custom/send", request =>
        {
            var call = Record(_sent, request);
            var code = _sendAnswer(call);
            if (_sendDelay > TimeSpan.Zero)
            {
                Thread.Sleep(_sendDelay); // carried out, but the answer comes too late for the caller
            }

            return new { errcode = code, errmsg = code == 0 ? "ok" : "stub error" };
        });
        Map("/cgi-bin/message/custom/typing", request =>
        {
            Record(_typing, request);
            return new { errcode = 0, errmsg = "ok" };
        });
    }

    public string BaseAddress => _server.Urls[0];

    /// <summary>
    /// A further API the stand-in answers (<paramref name="method"/> <paramref name="path"/>): each call recorded in
    /// <see cref="Calls"/> and answered <c>{"errcode":…,"errmsg":…}</c> as <see cref="AnswerApisWith"/> says, with the header <c>X-Stub: wechat</c>.
    /// </summary>
    public WeChatApiStub Api(string path, string method = "POST")
    {
        _calls.TryAdd(path, new ConcurrentQueue<ApiCall>());
        _server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var call = Record(_calls[path], request);
                var (code, delay) = _apiAnswer(call);
                if (delay > TimeSpan.Zero)
                {
                    Thread.Sleep(delay); // WeChat slow to answer this call: the caller's timeout decides
                }

                return new ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; encoding=utf-8"), ["X-Stub"] = new("wechat") },
                    BodyData = new BodyData { BodyAsBytes = JsonSerializer.SerializeToUtf8Bytes(new { errcode = code, errmsg = code == 0 ? "ok" : "stub error", path }), DetectedBodyType = BodyType.Bytes },
                };
            }));
        return this;
    }

    /// <summary>The calls to an API added with <see cref="Api"/>.</summary>
    public IReadOnlyList<ApiCall> Calls(string path) => _calls.TryGetValue(path, out var calls) ? calls.ToArray() : [];

    /// <summary>Every call that reached the stand-in, token fetches included.</summary>
    public int Requests => _server.LogEntries.Count();

    /// <summary>What the APIs added with <see cref="Api"/> answer, and after how long.</summary>
    public void AnswerApisWith(Func<ApiCall, (int ErrorCode, TimeSpan Delay)> answer) => _apiAnswer = answer;

    /// <summary>The token <c>stable_token</c> hands out for its n-th call (1 for the first), given whether force_refresh was set.</summary>
    public void AnswerTokensWith(Func<int, bool, string> token) => _tokenAnswer = token;

    /// <summary>The JSON bodies of the <c>stable_token</c> calls.</summary>
    public IReadOnlyList<JsonElement> TokenRequests => _tokenRequests.ToArray();

    public IReadOnlyList<ApiCall> Sent => _sent.ToArray();

    public IReadOnlyList<ApiCall> Typing => _typing.ToArray();

    /// <summary>The errcode <c>custom/send</c> answers for a call.</summary>
    public void AnswerSendWith(Func<ApiCall, int> errcode) => _sendAnswer = errcode;

    /// <summary>custom/send records (carries out) each call, then answers only after <paramref name="delay"/>.</summary>
    public void DelaySendBy(TimeSpan delay) => _sendDelay = delay;

    public void Dispose() => _server.Stop();

    private static ApiCall Record(ConcurrentQueue<ApiCall> into, WireMock.IRequestMessage request)
    {
        var token = request.Query is { } query && query.TryGetValue("access_token", out var values) ? values.FirstOrDefault() ?? "" : "";
        var call = new ApiCall(token, JsonDocument.Parse(string.IsNullOrEmpty(request.Body) ? "{}" : request.Body).RootElement.Clone(), into.Count + 1);
        into.Enqueue(call);
        return call;
    }

    private void Map(string path, Func<WireMock.IRequestMessage, object> answer) =>
        _server.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithCallback(request => new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData { BodyAsBytes = JsonSerializer.SerializeToUtf8Bytes(answer(request)), DetectedBodyType = BodyType.Bytes },
            }));
}

/// <summary>One call to the API stand-in: the access token in its query, its JSON body, and its number (1 for the first).</summary>
internal sealed record ApiCall(string AccessToken, JsonElement Body, int Number);
