using System.Collections.Concurrent;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using ResponseMessage = WireMock.ResponseMessage;

namespace MpEventRelay.Tests.Infrastructure;

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
    private int _tokens;
    private volatile Func<ApiCall, int> _sendAnswer = _ => 0;

    public WeChatApiStub()
    {
        Map("/cgi-bin/stable_token", request =>
        {
            _tokenRequests.Enqueue(JsonDocument.Parse(request.Body ?? "{}").RootElement.Clone());
            return new { access_token = $"token-{Interlocked.Increment(ref _tokens)}", expires_in = 7200 };
        });
        Map("/cgi-bin/message/custom/send", request =>
        {
            var call = Record(_sent, request);
            var code = _sendAnswer(call);
            return new { errcode = code, errmsg = code == 0 ? "ok" : "stub error" };
        });
        Map("/cgi-bin/message/custom/typing", request =>
        {
            Record(_typing, request);
            return new { errcode = 0, errmsg = "ok" };
        });
    }

    public string BaseAddress => _server.Urls[0];

    /// <summary>The JSON bodies of the <c>stable_token</c> calls.</summary>
    public IReadOnlyList<JsonElement> TokenRequests => _tokenRequests.ToArray();

    public IReadOnlyList<ApiCall> Sent => _sent.ToArray();

    public IReadOnlyList<ApiCall> Typing => _typing.ToArray();

    /// <summary>The errcode <c>custom/send</c> answers for a call.</summary>
    public void AnswerSendWith(Func<ApiCall, int> errcode) => _sendAnswer = errcode;

    public void Dispose() => _server.Stop();

    private static ApiCall Record(ConcurrentQueue<ApiCall> into, WireMock.IRequestMessage request)
    {
        var token = request.Query is { } query && query.TryGetValue("access_token", out var values) ? values.FirstOrDefault() ?? "" : "";
        var call = new ApiCall(token, JsonDocument.Parse(request.Body ?? "{}").RootElement.Clone(), into.Count + 1);
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
