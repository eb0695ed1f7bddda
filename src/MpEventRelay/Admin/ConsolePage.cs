using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MpEventRelay.Admin;

/// <summary>
/// <c>GET /console</c>: a read-only page (one embedded HTML file, no build toolchain) that calls the admin API with
/// the key the operator types in. It holds no data itself; the key stays in the browser tab's session storage. Its
/// Content-Security-Policy allows exactly the page's own script and style blocks (by their SHA-256), so an inline
/// handler or script anything managed to inject would not run.
/// </summary>
internal static partial class ConsolePage
{
    private static readonly Lazy<(byte[] Html, string Policy)> Page = new(() =>
    {
        using var stream = typeof(ConsolePage).Assembly.GetManifestResourceStream("MpEventRelay.Admin.console.html")
            ?? throw new InvalidOperationException("The console page is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var html = buffer.ToArray();
        var text = Encoding.UTF8.GetString(html);
        return (html, $"default-src 'none'; connect-src 'self'; img-src 'self'; script-src {Hashes(ScriptBlock(), text)}; style-src {Hashes(StyleBlock(), text)}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    });

    /// <summary>The policy the page is served with.</summary>
    public static string Policy => Page.Value.Policy;

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = Page.Value.Policy;
        return Results.Bytes(Page.Value.Html, "text/html; charset=utf-8");
    }

    // CSP hashes cover a block's text exactly as it stands between its tags.
    private static string Hashes(Regex block, string html) =>
        string.Join(' ', block.Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups["body"].Value)))}'"));

    [GeneratedRegex("<script>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(?<body>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
