using System.CommandLine;

namespace MpEventRelay.Cli;

/// <summary>Calls to the relay's admin endpoints (management listener), with the admin key; errors go to the error stream.</summary>
internal static class AdminApi
{
    public static Option<string> KeyOption() => new("--admin-key") { Description = "The relay's Relay:Admin:Key (or set MPRELAY_ADMIN_KEY).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MPRELAY_ADMIN_KEY") ?? string.Empty };

    public static Option<string> UrlOption() => CommonOptions.Url("The relay's management URL, e.g. http://127.0.0.1:8081.");

    /// <summary>The response when it is a success (or a 404 of a replay, with <paramref name="acceptNotFound"/>); else null, the reason written.</summary>
    public static async Task<HttpResponseMessage?> SendAsync(HttpClient http, HttpMethod method, string baseUrl, string path, string adminKey, CliOutput output, CancellationToken cancellation, bool acceptNotFound = false)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root))
        {
            output.Error.WriteLine("--url must be an absolute URL.");
            return null;
        }

        using var request = new HttpRequestMessage(method, new Uri(root, path));
        request.Headers.Add("X-Admin-Key", adminKey);
        try
        {
            var response = await http.SendAsync(request, cancellation);
            if (response.IsSuccessStatusCode || (acceptNotFound && response.StatusCode == System.Net.HttpStatusCode.NotFound && path.Contains("/replay", StringComparison.Ordinal)))
            {
                return response;
            }

            output.Error.WriteLine($"{method} {path}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}".TrimEnd());
            response.Dispose();
            return null;
        }
        catch (HttpRequestException e)
        {
            output.Error.WriteLine($"Could not reach {root}: {e.Message}");
            return null;
        }
    }
}
