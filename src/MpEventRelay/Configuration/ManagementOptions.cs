namespace MpEventRelay.Configuration;

/// <summary>
/// The <c>Relay:Management</c> section: where <c>/health/*</c>, <c>/metrics</c> and <c>/admin/*</c> are served.
/// Read once at start-up (a listener cannot move while the relay runs).
/// </summary>
public sealed record ManagementOptions
{
    /// <summary>
    /// A listener of its own for the management endpoints, e.g. <c>http://0.0.0.0:8081</c> (the container's default).
    /// When set, the push port serves only the accounts' paths and the operator's own YARP routes. When null, the
    /// management endpoints share the push port (fine on a developer machine; a warning outside Development).
    /// </summary>
    public string? Url { get; init; }

    /// <summary>
    /// The load balancers or proxies in front of the relay (addresses or networks: <c>10.0.0.5</c>, <c>10.1.0.0/16</c>),
    /// whose <c>X-Forwarded-For</c> names the real client: the wrong-admin-key limit and the logs then count that
    /// client, not the proxy. Empty (the default): the header is ignored, since anyone could send it.
    /// </summary>
    public string[] TrustedProxies { get; init; } = [];
}
