namespace MpEventRelay.Configuration;

/// <summary>One service that calls WeChat's API through the relay (<c>Relay:ApiGateway:Clients:{name}</c>).</summary>
public sealed record ApiClientOptions
{
    /// <summary>The account (its name under <c>Relay:Accounts</c>) whose AppId the client calls for; it needs an AppSecret.</summary>
    public string? Account { get; init; }

    /// <summary>
    /// The client's own secret, at least 32 characters: the SDK sends it where it would send the AppSecret
    /// (<c>cgi-bin/token</c>, <c>cgi-bin/stable_token</c>). It never leaves the relay's configuration, nor does the AppSecret.
    /// </summary>
    public string? Secret { get; init; }

    /// <summary>The API paths the client may call, e.g. <c>/cgi-bin/message/custom/send</c>; a trailing <c>*</c> allows every path below (<c>/cgi-bin/menu/*</c>).</summary>
    public string[] Apis { get; init; } = [];

    /// <summary>At most this many calls a minute (a fixed window); 0, the default, for no limit of the relay's own.</summary>
    public int PermitsPerMinute { get; init; }
}
