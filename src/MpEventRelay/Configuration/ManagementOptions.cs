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
    /// Without <see cref="Url"/>, outside Development: serve <c>/admin/*</c>, <c>/console</c> and <c>/metrics</c> on the push
    /// port anyway (false, the default: they answer 404 there, since that port is the one WeChat, and so the internet,
    /// reaches). Health is always served.
    /// </summary>
    public bool OnPushPort { get; init; }

    /// <summary>
    /// Host names the management endpoints answer to besides IP addresses and <c>localhost</c> (e.g.
    /// <c>mprelay.internal</c>): a request naming any other host gets 400, so a web page that re-binds its own DNS name
    /// to the relay's address cannot read <c>/metrics</c> or <c>/console</c> from an operator's browser.
    /// </summary>
    public string[] AllowedHosts { get; init; } = [];

    /// <summary>
    /// The load balancers or proxies in front of the relay (addresses or networks: <c>10.0.0.5</c>, <c>10.1.0.0/16</c>),
    /// whose <c>X-Forwarded-For</c> names the real client: the wrong-admin-key limit and the logs then count that
    /// client, not the proxy. Empty (the default): the header is ignored, since anyone could send it.
    /// </summary>
    public string[] TrustedProxies { get; init; } = [];
}
