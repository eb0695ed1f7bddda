namespace MpEventRelay.Delivery;

/// <summary>What a target answered to one delivery, or why there was no answer.</summary>
/// <param name="Delivered">True when the target answered 2xx.</param>
/// <param name="StatusCode">The HTTP status, or 0 when no response came.</param>
/// <param name="Body">The answer's body (bounded by MaxBodyBytes); empty when none.</param>
/// <param name="Failure">A one-line reason when not delivered.</param>
internal sealed record DeliveryResult(bool Delivered, int StatusCode, byte[] Body, string? Failure)
{
    public static DeliveryResult Failed(string reason, int statusCode = 0) => new(false, statusCode, [], reason);
}
