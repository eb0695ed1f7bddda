namespace MpEventRelay.Configuration;

/// <summary>The <c>Relay:Admin</c> section: the operator endpoints (dead letters).</summary>
public sealed record AdminOptions
{
    /// <summary>The key expected in the <c>X-Admin-Key</c> header; the admin endpoints answer 404 while it is unset.</summary>
    public string? Key { get; init; }
}
