namespace MpEventRelay.Logging;

/// <summary>OpenIDs identify people: logs show enough to correlate (first and last four characters), never the whole id.</summary>
internal static class OpenIdMask
{
    public static string Mask(string? openId) =>
        openId is null ? "-" : openId.Length <= 8 ? "***" : $"{openId[..4]}…{openId[^4..]}";
}
