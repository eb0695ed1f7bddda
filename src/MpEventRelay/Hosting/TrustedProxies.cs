using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using MpEventRelay.Configuration;

namespace MpEventRelay.Hosting;

/// <summary>
/// <c>Relay:Management:TrustedProxies</c> as ASP.NET Core's forwarded headers: a request from one of them carries the
/// real client in <c>X-Forwarded-For</c> (the nearest hop only), which then is the connection's remote address.
/// From anyone else the header is ignored.
/// </summary>
internal static class TrustedProxies
{
    /// <summary>The middleware's options, or null when no proxy is trusted (an invalid entry is left to validation).</summary>
    public static ForwardedHeadersOptions? Options(IConfiguration configuration)
    {
        var entries = configuration.GetSection($"{RelayOptions.SectionName}:Management:TrustedProxies").Get<string[]>() ?? [];
        if (entries.Length == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor };
        options.KnownProxies.Clear(); // not even loopback by default: only what the operator names
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
        }

        return options;
    }
}
