using System.Text.Json;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// The relay's own refusals in WeChat's shape (HTTP 200, <c>errcode</c> and <c>errmsg</c>), so every SDK reports them
/// as it reports WeChat's; the errmsg says what the relay found.
/// </summary>
internal static class WeChatErrorAnswer
{
    public static Task WriteAsync(HttpContext context, int errorCode, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; encoding=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new { errcode = errorCode, errmsg = "mprelay: " + message })).AsTask();
    }
}
