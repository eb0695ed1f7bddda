namespace MpEventRelay.Configuration;

/// <summary>Which listener serves the API gateway.</summary>
public enum ApiGatewayListener
{
    /// <summary>The management listener (<c>Relay:Management:Url</c>), or the push port where management is served there (Development, <c>OnPushPort</c>).</summary>
    Management,

    /// <summary>The push port: only when that port is reachable from the merchant's private network alone.</summary>
    Push,
}
