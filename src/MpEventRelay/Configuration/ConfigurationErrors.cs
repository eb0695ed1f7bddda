namespace MpEventRelay.Configuration;

/// <summary>Collects every configuration problem, each with where it is, what is wrong and how to fix it.</summary>
internal sealed class ConfigurationErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> All => _errors;

    public bool Any => _errors.Count > 0;

    /// <summary>How many problems so far; a factory compares it before and after its own checks.</summary>
    public int Count => _errors.Count;

    public void Add(string key, string problem, string fix) => _errors.Add($"{key}: {problem} Fix: {fix}");
}
