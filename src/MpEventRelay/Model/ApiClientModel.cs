namespace MpEventRelay.Model;

/// <summary>One gateway client as the relay runs it: built from validated configuration, never logged whole.</summary>
internal sealed class ApiClientModel
{
    public required string Name { get; init; }

    /// <summary>The account whose AppId, AppSecret and access token the client's calls use.</summary>
    public required AccountModel Account { get; init; }

    /// <summary>The client secret, as UTF-8, compared in fixed time.</summary>
    public required byte[] Secret { get; init; }

    /// <summary>The key that signs the client's relay-issued tokens, derived from its secret: the same on every replica.</summary>
    public required byte[] TokenKey { get; init; }

    /// <summary>The exact API paths the client may call.</summary>
    public required IReadOnlySet<string> Apis { get; init; }

    /// <summary>The path prefixes the client may call below (from entries ending in <c>*</c>).</summary>
    public required IReadOnlyList<string> ApiPrefixes { get; init; }

    /// <summary>Calls a minute; 0 for no limit.</summary>
    public required int PermitsPerMinute { get; init; }

    /// <summary>Whether the client may call <paramref name="path"/>.</summary>
    public bool MayCall(string path)
    {
        if (Apis.Contains(path))
        {
            return true;
        }

        foreach (var prefix in ApiPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
