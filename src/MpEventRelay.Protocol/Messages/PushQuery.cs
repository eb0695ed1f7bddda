namespace MpEventRelay.Protocol.Messages;

/// <summary>The query parameters WeChat puts on a push (or on the URL verification GET).</summary>
public sealed record PushQuery
{
    /// <summary><c>signature</c>: SHA-1 of token, timestamp and nonce.</summary>
    public string? Signature { get; init; }

    /// <summary><c>timestamp</c>: Unix seconds, as text.</summary>
    public string? Timestamp { get; init; }

    /// <summary><c>nonce</c>: a random number, as text.</summary>
    public string? Nonce { get; init; }

    /// <summary><c>openid</c>: the user's OpenID (pushes only).</summary>
    public string? OpenId { get; init; }

    /// <summary><c>encrypt_type</c>: <c>aes</c> in compatible and secure modes.</summary>
    public string? EncryptType { get; init; }

    /// <summary><c>msg_signature</c>: SHA-1 of token, timestamp, nonce and the Encrypt text.</summary>
    public string? MsgSignature { get; init; }

    /// <summary><c>echostr</c>: the URL verification challenge.</summary>
    public string? EchoStr { get; init; }

    /// <summary>Reads the parameters from any query collection, e.g. <c>PushQuery.From(name => request.Query[name])</c>.</summary>
    public static PushQuery From(Func<string, string?> get) => new()
    {
        Signature = get("signature"),
        Timestamp = get("timestamp"),
        Nonce = get("nonce"),
        OpenId = get("openid"),
        EncryptType = get("encrypt_type"),
        MsgSignature = get("msg_signature"),
        EchoStr = get("echostr"),
    };

    /// <summary>Reads the parameters from a query string (with or without the leading <c>?</c>).</summary>
    public static PushQuery Parse(string queryString)
    {
        var values = System.Web.HttpUtility.ParseQueryString(queryString);
        return From(name => values[name]);
    }

    /// <summary>True when WeChat says the body is encrypted.</summary>
    public bool SaysEncrypted => string.Equals(EncryptType, "aes", StringComparison.OrdinalIgnoreCase);
}
