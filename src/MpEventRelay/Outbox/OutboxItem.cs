namespace MpEventRelay.Outbox;

/// <summary>
/// One delivery waiting in the outbox (or dead). The message is sealed with the account's own key when it has one,
/// so the store never holds user messages in clear.
/// </summary>
internal sealed record OutboxItem
{
    public required string Id { get; init; }
    public required string Account { get; init; }
    public required string Route { get; init; }
    public required string Target { get; init; }
    public required string DedupKey { get; init; }

    /// <summary>The <see cref="Protocol.Messages.EncryptionMode"/> WeChat used, for <c>SameAsInbound</c> targets.</summary>
    public required int InboundMode { get; init; }

    /// <summary>The sealed message (see <see cref="OutboxPayload"/>).</summary>
    public required string Payload { get; init; }

    public required long CreatedAtMs { get; init; }
    public required long ExpiresAtMs { get; init; }
    public int Attempts { get; init; }
    public long NextAttemptAtMs { get; init; }
    public string? LastError { get; init; }

    /// <summary>The account and target, the unit of the outbox's per-target limit.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string TargetKey => Key(Account, Target);

    public static string Key(string account, string target) => account + "/" + target;

    /// <summary>The account and target of a <see cref="Key"/> (split at the first slash).</summary>
    public static (string Account, string Target) SplitKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (key, "") : (key[..slash], key[(slash + 1)..]);
    }
}
