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

    /// <summary>The key before the last rotation, tried when the current one fails.</summary>
    public string? PreviousEncodingAESKey { get; init; }

    /// <summary>Refuse plaintext pushes (once the console is in secure mode, a plaintext push is forged).</summary>
    public bool RequireEncryption { get; init; }

    /// <summary>Where pushes can go, by name.</summary>
    public Dictionary<string, TargetOptions> Targets { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Routes, tried in order; the first match wins.</summary>
    public List<RouteOptions> Routes { get; init; } = [];
}
