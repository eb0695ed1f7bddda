namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Trail</c> section, one error per key.</summary>
internal static class TrailValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Trail";

    public static void Validate(TrailOptions options, ConfigurationErrors errors)
    {
        if (options.Retention < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Key}:Retention", "is shorter than a minute.", "use 7.00:00:00.");
        }

        if (options.MaxPushes < 100)
        {
            errors.Add($"{Key}:MaxPushes", $"{options.MaxPushes} is below 100.", "use 200000.");
        }

        if (options.MaxBytes < 1024 * 1024)
        {
            errors.Add($"{Key}:MaxBytes", $"{options.MaxBytes} is below 1 MB.", "use 268435456 (256 MB).");
        }

        if (options.HashKey is { Length: < 16 })
        {
            errors.Add($"{Key}:HashKey", "is shorter than 16 characters.", "use a random value of 32 characters or more, or leave it out.");
        }
    }
}
