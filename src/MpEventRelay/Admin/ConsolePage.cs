using System.Reflection;

namespace MpEventRelay.Admin;

/// <summary>
/// <c>GET /console</c>: a read-only page (one embedded HTML file, no build toolchain) that calls the admin API with
/// the key the operator types in. It holds no data itself; the key stays in the browser tab's session storage.
/// </summary>
internal static class ConsolePage
{
    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var stream = typeof(ConsolePage).Assembly.GetManifestResourceStream("MpEventRelay.Admin.console.html")
            ?? throw new InvalidOperationException("The console page is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        return Results.Bytes(Html.Value, "text/html; charset=utf-8");
    }
}
