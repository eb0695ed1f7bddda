namespace MpEventRelay.Configuration;

/// <summary>
/// Collects every configuration problem, each with where it is, what is wrong and how to fix it, and where the value
/// came from (a file or the environment) once <see cref="NameSources"/> has run. A key named as what a misspelt one
/// probably meant (<see cref="Suppress"/>) gets no error of its own: the misspelling is the one problem.
/// </summary>
internal sealed class ConfigurationErrors
{
    private readonly List<(string Key, string Problem, string Fix)> _errors = [];
    private readonly HashSet<string> _suppressed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _sources = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> All => _errors.Select(e => _sources.TryGetValue(e.Key, out var source)
        ? $"{e.Key}: {e.Problem} (set in {source}.) Fix: {e.Fix}"
        : $"{e.Key}: {e.Problem} Fix: {e.Fix}").ToList();

    public bool Any => _errors.Count > 0;

    /// <summary>How many problems so far, suppressed ones included; a factory compares it before and after its own checks.</summary>
    public int Count { get; private set; }

    public void Add(string key, string problem, string fix)
    {
        Count++;
        if (!_suppressed.Contains(key))
        {
            _errors.Add((key, problem, fix));
        }
    }

    /// <summary>No error for <paramref name="key"/> from here on: another one already says what is wrong with it.</summary>
    public void Suppress(string key) => _suppressed.Add(key);

    /// <summary>Names, for each problem whose key has a value, the file or environment variable that set it (the last one that did).</summary>
    public void NameSources(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (var (key, _, _) in _errors)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (provider.TryGet(key, out _))
                {
                    _sources[key] = provider switch
                    {
                        Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider json => json.Source.Path ?? "a JSON file",
                        Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider => $"the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                        Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => "the command line",
                        _ => provider.ToString() ?? "a configuration source",
                    };
                    break;
                }
            }
        }
    }
}
