using MpEventRelay.Protocol.Errors;

namespace MpEventRelay.Inbound;

/// <summary>A refused request: its status code and a one-line, secret-free reason (the whole response body).</summary>
internal sealed record Rejection(int StatusCode, string Reason)
{
    public static Rejection From(ProtocolException e) => new(StatusFor(e.Error), e.Message);

    /// <summary>401 when the sender is not who it claims (or holds another key), 413 for size, 400 for malformed input.</summary>
    public static int StatusFor(ProtocolError error) => error switch
    {
        ProtocolError.BadSignature or ProtocolError.BadKey => StatusCodes.Status401Unauthorized,
        ProtocolError.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = StatusCode;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(Reason);
    }
}
