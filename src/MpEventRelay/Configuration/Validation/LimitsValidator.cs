namespace MpEventRelay.Configuration.Validation;

/// <summary>The relay-wide limits: deadline, clock skew, delivery timeout, body size. One error per key.</summary>
internal static class LimitsValidator
{
    private const string Root = RelayOptions.SectionName;

    public static void Validate(RelayOptions options, ConfigurationErrors errors)
    {
        if (options.Deadline <= TimeSpan.Zero || options.Deadline >= TimeSpan.FromSeconds(5))
        {
            errors.Add($"{Root}:Deadline", $"{options.Deadline} is outside (0, 5 s): WeChat gives up at 5 s.", "use about 00:00:04.5.");
        }

        if (options.ClockSkew < TimeSpan.Zero)
        {
            errors.Add($"{Root}:ClockSkew", "is negative.", "use 00:05:00, or 0 to turn the check off.");
        }

        if (options.DeliveryTimeout < options.Deadline)
        {
            errors.Add($"{Root}:DeliveryTimeout", "is shorter than the Deadline.", "use at least the Deadline, e.g. 00:00:30.");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"{Root}:MaxBodyBytes", $"{options.MaxBodyBytes} is outside 1 KB..16 MB.", "use 262144.");
        }
    }
}
