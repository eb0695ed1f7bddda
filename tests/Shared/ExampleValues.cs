using Microsoft.Extensions.Configuration;

namespace MpEventRelay.TestKit;

/// <summary>
/// What an operator puts in place of <c>appsettings.example.json</c>'s placeholders: an AppId, Tokens, 43-character
/// keys and the IDaaS's id, one distinct value per key, so the edited template is a valid configuration.
/// </summary>
internal static class ExampleValues
{
    public static string File => Path.Combine(RepositoryFiles.Root(), "appsettings.example.json");

    /// <summary>The template's placeholder keys, each with a value of the right shape.</summary>
    public static Dictionary<string, string?> Filled()
    {
        var template = new ConfigurationBuilder().AddJsonFile(File).Build();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var n = 0;
        foreach (var (key, value) in template.AsEnumerable().Where(kv => kv.Value?.Contains("REPLACE", StringComparison.Ordinal) == true))
        {
            n++;
            values[key] = key.EndsWith(":AppId", StringComparison.OrdinalIgnoreCase) ? "wx2c2769f8efd9abc2"
                : key.EndsWith("EncodingAESKey", StringComparison.OrdinalIgnoreCase) ? $"k{n:D2}" + new string('a', 40)
                : key.EndsWith("Token", StringComparison.OrdinalIgnoreCase) ? $"token{n:D2}filled"
                : value!.Replace("REPLACE_IDP_ID", "idp123", StringComparison.Ordinal);
        }

        return values;
    }

    /// <summary>The filled values as a JSON file to layer over the template (as <c>--file</c> twice does).</summary>
    public static async Task<string> WriteOverlayAsync()
    {
        var root = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in Filled())
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = (node[part] ??= new System.Text.Json.Nodes.JsonObject()).AsObject();
            }

            node[parts[^1]] = value;
        }

        var path = Path.Combine(Path.GetTempPath(), $"filled-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, root.ToJsonString());
        return path;
    }
}
