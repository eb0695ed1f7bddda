using System.Text.Json;

namespace MpEventRelay.WeChatApi;

/// <summary>What one call to WeChat's API answered: <c>errcode</c> 0 for success, or why not.</summary>
/// <param name="ErrorCode">WeChat's <c>errcode</c>; <see cref="Unreachable"/> when no JSON answer came.</param>
/// <param name="Message">WeChat's <c>errmsg</c>, or the transport failure.</param>
/// <param name="Body">The parsed answer, when one came (for the access token's fields).</param>
internal sealed record ApiAnswer(int ErrorCode, string Message, JsonElement? Body = null)
{
    /// <summary>No answer (connection, timeout, a non-JSON or non-2xx answer): treated like WeChat's -1, busy.</summary>
    public const int Unreachable = -2;

    public bool Succeeded => ErrorCode == 0;

    /// <summary>Worth trying again after a pause: WeChat busy (-1) or not reached.</summary>
    public bool Transient => ErrorCode is -1 or Unreachable;

    /// <summary>The access token was refused: 40001 (invalid or replaced), 40014 (malformed), 42001 (expired).</summary>
    public bool TokenRefused => IsTokenRefusal(ErrorCode);

    /// <summary>WeChat's codes for a refused access token (<see cref="TokenRefused"/>), for an answer read elsewhere.</summary>
    public static bool IsTokenRefusal(int errorCode) => errorCode is 40001 or 40014 or 42001;

    /// <summary>
    /// The <c>errcode</c> of a JSON answer read as bytes: 0 when it has none (WeChat often leaves it out on success),
    /// null when the bytes are not JSON.
    /// </summary>
    public static int? ErrorCodeOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var value) ? value : 0;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ApiAnswer Parse(JsonElement json) =>
        new(json.TryGetProperty("errcode", out var code) && code.TryGetInt32(out var value) ? value : 0,
            json.TryGetProperty("errmsg", out var message) ? message.GetString() ?? "" : "ok",
            json);
}
