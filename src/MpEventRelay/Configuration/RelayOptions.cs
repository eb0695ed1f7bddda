namespace MpEventRelay.Configuration;

/// <summary>The <c>Relay</c> section: global limits and the accounts the relay serves.</summary>
public sealed record RelayOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Relay";

    /// <summary>Everything, reply included, must fit in this budget; WeChat gives up at 5 s. Default 4.5 s.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMilliseconds(4500);

    /// <summary>Pushes whose timestamp is further off than this are refused; <c>0</c> turns the check off. Default 5 min.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a delivery may keep trying after WeChat has had its answer. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest accepted push or target answer, in bytes. Default 256 KB.</summary>
    public int MaxBodyBytes { get; init; } = 256 * 1024;

    /// <summary>Retries, timeouts and circuit breaking of deliveries to targets.</summary>
    public ResilienceOptions Resilience { get; init; } = new();

    /// <summary>Where dedup and the outbox live.</summary>
    public StorageOptions Storage { get; init; } = new();

    /// <summary>Retries of deliveries that did not succeed at once, and dead letters.</summary>
    public OutboxOptions Outbox { get; init; } = new();

    /// <summary>Operator endpoints.</summary>
    public AdminOptions Admin { get; init; } = new();

    /// <summary>Where the management endpoints (health, metrics, admin) listen; read at start-up only.</summary>
    public ManagementOptions Management { get; init; } = new();

    /// <summary>What happened to each push, for operators (<c>/admin/trail</c>, the console).</summary>
    public TrailOptions Trail { get; init; } = new();

    /// <summary>WeChat's API (late replies, typing) and WeChat's retry timing.</summary>
    public WeChatApiOptions WeChatApi { get; init; } = new();

    /// <summary>WeChat's API for the merchant's services, through the relay and with its token.</summary>
    public ApiGatewayOptions ApiGateway { get; init; } = new();

    /// <summary>Duplicate detection (WeChat's retries).</summary>
    public DedupOptions Dedup { get; init; } = new();

    /// <summary>The budget of one store call: <see cref="StorageOptions.CallTimeout"/>, or 0.5 s capped at a quarter of the Deadline.</summary>
    public TimeSpan StoreCallTimeout => Storage.CallTimeout ?? TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks, Deadline.Ticks / 4));

    /// <summary>The official accounts, by name.</summary>
    public Dictionary<string, AccountOptions> Accounts { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
