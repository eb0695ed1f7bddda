namespace MpEventRelay.Configuration;

/// <summary>Thrown at start-up when the configuration has problems; lists every one of them.</summary>
internal sealed class InvalidRelayConfigurationException(IReadOnlyList<string> errors)
    : Exception("The relay configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
