namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Storage</c> section, one error per key.</summary>
internal static class StorageValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Storage";

    public static void Validate(RelayOptions options, ConfigurationErrors errors)
    {
        var storage = options.Storage;
        if (string.IsNullOrWhiteSpace(storage.SqlitePath))
        {
            errors.Add($"{Key}:SqlitePath", "is empty.", "use data/outbox.db (on a volume in a container).");
        }

        // Two stores (Redis, then SQLite) may each take one call budget before the deadline: keep room for the reply.
        if (storage.CallTimeout is { } timeout && (timeout <= TimeSpan.Zero || timeout * 2 >= options.Deadline))
        {
            errors.Add($"{Key}:CallTimeout", $"{storage.CallTimeout} must be positive and less than half the Deadline.", "use 00:00:00.5.");
        }
    }
}
