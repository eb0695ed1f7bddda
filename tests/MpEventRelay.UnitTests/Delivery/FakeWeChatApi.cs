using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>
/// WeChat's API in memory, as the relay's HTTP client's handler: <c>stable_token</c> hands out a token, every other
/// call is recorded (path and JSON body) and answered with errcode 0.
/// </summary>
internal sealed class FakeWeChatApi : HttpMessageHandler
{
    public ConcurrentQueue<(string Path, string Body)> Calls { get; } = new();

    /// <summary>The errcode every call but the token's answers (0 by default).</summary>
    public int ErrorCode { get; set; }

    public IEnumerable<string> CallsTo(string path) => Calls.Where(c => c.Path == path).Select(c => c.Body);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Calls.Enqueue((path, body));
        var answer = path.EndsWith("/stable_token", StringComparison.Ordinal)
            ? """{"access_token":"fake-token","expires_in":7200}"""
            : $$"""{"errcode":{{ErrorCode}},"errmsg":"{{(ErrorCode == 0 ? "ok" : "refused")}}"}""";
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
    }
}
