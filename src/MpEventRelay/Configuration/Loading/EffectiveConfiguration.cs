using System.Text.RegularExpressions;

namespace MpEventRelay.Configuration.Loading;

/// <summary>
/// The configuration as the relay will see it, key by key, with the source that won each key (a file, the
/// environment…) and secrets masked: a merge of layers becomes visible before it bites.
/// </summary>
public static partial class EffectiveConfiguration
{
    /// <summary>Every leaf key of <c>Relay</c> and <c>ReverseProxy</c>, its value (secrets masked) and where it came from.</summary>
    public static IReadOnlyList<EffectiveSetting> Describe(IConfigurationRoot configuration)
    {
        var settings = new List<EffectiveSetting>();
        foreach (var section in new[] { RelayOptions.SectionName, Reading.ProxyConfigReader.SectionName })
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                if (value is null)
                {
                    continue; // a section, not a value
                }

                settings.Add(new EffectiveSetting(key, IsSecret(key) ? Mask(value) : value, SourceOf(configuration, key)));
            }
        }

        return settings;
    }

    private static string SourceOf(IConfigurationRoot configuration, string key)
    {
        // Later providers win, as in the configuration itself.
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider switch
                {
                    Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider json => $"file {json.Source.Path}",
                    Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider => "environment",
                    _ => provider.ToString() ?? provider.GetType().Name,
                };
            }
        }

        return "?";
    }

    private static bool IsSecret(string key) => SecretKey().IsMatch(key);

    private static string Mask(string value) => value.Length == 0 ? "" : $"*** ({value.Length} chars)";

    [GeneratedRegex(@"(Token|EncodingAESKey|AppSecret|HashKey|:Admin:Key|:Storage:Redis|password)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();
}

/// <summary>One key of <see cref="EffectiveConfiguration"/>.</summary>
public sealed record EffectiveSetting(string Key, string Value, string Source);
