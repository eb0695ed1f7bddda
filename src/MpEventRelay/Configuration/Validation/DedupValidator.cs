namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Dedup</c> section, one error per key.</summary>
internal static class DedupValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Dedup";

    public static void Validate(DedupOptions options, ConfigurationErrors errors)
    {
        if (options.Capacity < 1)
        {
            errors.Add($"{Key}:Capacity", "must be at least 1.", "use 100000.");
        }

        if (options.Expiry <= TimeSpan.Zero)
        {
            errors.Add($"{Key}:Expiry", "must be positive.", "use 00:05:00.");
        }
    }
}
