namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Outbox</c> section, one error per key.</summary>
internal static class OutboxValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Outbox";

    public static void Validate(OutboxOptions options, ConfigurationErrors errors)
    {
        Positive($"{Key}:PollInterval", options.PollInterval, "00:00:01", errors);
        Positive($"{Key}:RetryBaseDelay", options.RetryBaseDelay, "00:00:02", errors);
        Positive($"{Key}:Expiry", options.Expiry, "1.00:00:00", errors);
        if (options.MaxPendingPerTarget < 1)
        {
            errors.Add($"{Key}:MaxPendingPerTarget", "must be at least 1.", "use 100000.");
        }

        if (options.Lease < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{Key}:Lease", "must be at least 1 s (it is renewed every third of it).", "use 00:00:10.");
        }

        if (options.ConcurrencyPerTarget < 1)
        {
            errors.Add($"{Key}:ConcurrencyPerTarget", "must be at least 1.", "use 8.");
        }

        if (options.MaxDeadPerTarget < 1)
        {
            errors.Add($"{Key}:MaxDeadPerTarget", "must be at least 1.", "use 10000.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add($"{Key}:RetryMaxDelay", "is shorter than RetryBaseDelay.", "use 00:05:00.");
        }
    }

    private static void Positive(string key, TimeSpan value, string example, ConfigurationErrors errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(key, "must be positive.", $"use {example}.");
        }
    }
}
