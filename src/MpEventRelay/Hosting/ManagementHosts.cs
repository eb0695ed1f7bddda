using System.Net;
using MpEventRelay.Configuration;

namespace MpEventRelay.Hosting;

/// <summary>
/// The <c>Host</c> a management request may name: an IP address, <c>localhost</c>, or one of
/// <c>Relay:Management:AllowedHosts</c>. DNS rebinding needs a name the attacker controls, so naming anything else
/// gets 400 — the endpoints stay reachable by address, by a port-forward, and by the names the operator lists.
/// </summary>
internal sealed class ManagementHosts(string[] allowed)
{
    public static ManagementHosts From(IConfiguration configuration) =>
        new(configuration.GetSection($"{RelayOptions.SectionName}:Management:AllowedHosts").Get<string[]>() ?? []);

    public bool Allows(HostString host) =>
        host.HasValue && (host.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || IPAddress.TryParse(host.Host, out _)
            || allowed.Any(name => name.Equals(host.Host, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Middleware: a request to a host not allowed ends here with 400 and a one-line reason.</summary>
    public async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        if (Allows(context.Request.Host))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("This host name is not one the management endpoints answer to; add it to Relay:Management:AllowedHosts.").ConfigureAwait(false);
    }
}
