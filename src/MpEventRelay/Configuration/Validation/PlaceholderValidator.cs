namespace MpEventRelay.Configuration.Validation;

/// <summary>
/// The template's placeholders (<c>wxREPLACE_APPID</c>, <c>REPLACEtoken</c>, <c>…/REPLACE_IDP_ID</c>) are refused:
/// a relay started from the unedited <c>appsettings.example.json</c> would verify nothing WeChat sends.
/// </summary>
internal static class PlaceholderValidator
{
    public const string Marker = "REPLACE";

    public static void Validate(IConfiguration frozen, ConfigurationErrors errors)
    {
        foreach (var (key, value) in frozen.AsEnumerable().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is not null && value.Contains(Marker, StringComparison.Ordinal))
            {
                errors.Add(key, "still holds the template's placeholder.", $"put your own value here (from WeChat's console, the IDaaS or the bot), in the file or as the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}.");
                errors.Suppress(key); // the placeholder is its problem, whatever else its value would fail
            }
        }
    }
}
