namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:ApiGateway</c> section: WeChat's API for the merchant's own services through the relay, with one
/// access token (the relay's) shared by all of them. Off while no client is configured.
/// </summary>
public sealed record ApiGatewayOptions
{
    /// <summary>
    /// Where the gateway is served: <see cref="ApiGatewayListener.Management"/> (the default: the management
    /// listener, never the port WeChat reaches) or <see cref="ApiGatewayListener.Push"/>.
    /// </summary>
    public ApiGatewayListener Listener { get; init; } = ApiGatewayListener.Management;

    /// <summary>How long a token the relay issues to a client is valid (its <c>expires_in</c>). Default 2 h, as WeChat's.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The services allowed to call WeChat's API through the relay, by name (the name is in their tokens, logs and metrics).</summary>
    public Dictionary<string, ApiClientOptions> Clients { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
