namespace MpEventRelay.Configuration;

/// <summary>One official account: the path WeChat calls, its keys, its targets and its routes.</summary>
public sealed record AccountOptions
{
    /// <summary>The path of the server URL set in WeChat's console, e.g. <c>/wechat/main</c>.</summary>
    public string? Path { get; init; }

    /// <summary>The account's AppId (<c>wx…</c>), checked inside every decrypted message.</summary>
    public string? AppId { get; init; }

    /// <summary>The Token set in WeChat's console.</summary>
    public string? Token { get; init; }

    /// <summary>The EncodingAESKey set in WeChat's console (43 characters); needed for compatible and secure mode.</summary>
    public string? EncodingAESKey { get; init; }

    /// <summary>
    /// The account's AppSecret (WeChat's console → 基本配置), secret like the Token: set it to send replies that come after
    /// WeChat's deadline through the customer-service API, and for <see cref="RouteOptions.TypingAfter"/>. The relay gets
    /// its access token from <c>cgi-bin/stable_token</c>, which leaves the bot's and the IDaaS's tokens valid.
    /// </summary>
    public string? AppSecret { get; init; }

    /// <summary>The key before the last rotation, tried when the current one fails.</summary>
    public string? PreviousEncodingAESKey { get; init; }

    /// <summary>
    /// Accept plaintext pushes although the account has an EncodingAESKey. Off by default, and it should stay off: the
    /// plaintext <c>signature</c> covers only Token, timestamp and nonce, not the body, so anyone who has seen one
    /// signed URL (WeChat puts <c>signature</c> on secure-mode URLs too) can push any body — a forged <c>SCAN</c> logs
    /// an attacker in as a victim. Turn it on only while the console is still in plaintext mode, during a migration.
    /// </summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>
    /// Obsolete: plaintext is refused by default once a key is configured. <c>true</c> changes nothing; <c>false</c>
    /// no longer allows plaintext (a start-up warning says so); use <see cref="AllowPlaintext"/>.
    /// </summary>
    public bool? RequireEncryption { get; init; }

    /// <summary>Where pushes can go, by name.</summary>
    public Dictionary<string, TargetOptions> Targets { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Routes, tried in order; the first match wins.</summary>
    public List<RouteOptions> Routes { get; init; } = [];
}
