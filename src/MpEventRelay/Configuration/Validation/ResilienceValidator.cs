namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Resilience</c> section, one error per key.</summary>
internal static class ResilienceValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Resilience";

    public static void Validate(ResilienceOptions options, ConfigurationErrors errors)
    {
        if (options.MaxRetries is < 0 or > 10)
        {
            errors.Add($"{Key}:MaxRetries", $"{options.MaxRetries} is outside 0..10.", "use 2.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Key}:AttemptTimeout", "must be positive.", "use 00:00:04.");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{Key}:RetryDelay", "is negative.", "use 00:00:00.1.");
        }

        if (options.FailureRatio is <= 0 or > 1)
        {
            errors.Add($"{Key}:FailureRatio", $"{options.FailureRatio} is outside (0, 1].", "use 0.5.");
        }

        if (options.MinimumThroughput < 2)
        {
            errors.Add($"{Key}:MinimumThroughput", $"{options.MinimumThroughput} is below 2.", "use 4.");
        }

        if (options.SamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{Key}:SamplingDuration", "is shorter than 0.5 s.", "use 00:00:30.");
        }

        if (options.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{Key}:BreakDuration", "is shorter than 0.5 s.", "use 00:00:10.");
        }
    }
}
