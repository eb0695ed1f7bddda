using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MpEventRelay.Configuration;

namespace MpEventRelay.Hosting;

/// <summary>
/// The management endpoints' own listener (<c>Relay:Management:Url</c>). Kestrel ignores the usual URL settings
/// once any listener is declared in code, so the push listeners (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
/// <c>ASPNETCORE_HTTP_PORTS</c>) are declared here too, exactly as those settings say.
/// </summary>
public sealed class ManagementListener
{
    private ListenOptions? _listen;

    private ManagementListener()
    {
    }

    /// <summary>True when the management endpoints have a listener of their own.</summary>
    public bool IsSeparate => _listen is not null;

    /// <summary>The bound management port (the real one when the configuration said port 0); null when not separate.</summary>
    public int? Port => _listen?.IPEndPoint?.Port;

    /// <summary>Reads <c>Relay:Management:Url</c> and declares the listeners; a wrong address is left to the configuration's validation.</summary>
    public static ManagementListener Configure(WebApplicationBuilder builder)
    {
        var listener = new ManagementListener();
        var url = builder.Configuration[$"{RelayOptions.SectionName}:Management:Url"];
        if (!ListenAddress.TryParse(url, out var management))
        {
            return listener;
        }

        var push = PushAddresses(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in push)
            {
                address.Listen(kestrel, _ => { });
            }

            management.Listen(kestrel, listen => listener._listen = listen);
        });
        builder.Services.AddSingleton(listener);
        return listener;
    }

    /// <summary>True for a request that arrived on the management listener.</summary>
    public bool IsManagementRequest(HttpContext context) => context.Connection.LocalPort == Port;

    private static List<ListenAddress> PushAddresses(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var ports = configuration["http_ports"];
        var declared = !string.IsNullOrWhiteSpace(urls) ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : !string.IsNullOrWhiteSpace(ports) ? ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}").ToArray()
            : ["http://localhost:5000"];
        var addresses = new List<ListenAddress>();
        foreach (var url in declared)
        {
            if (!ListenAddress.TryParse(url, allowHttps: true, out var address))
            {
                throw new InvalidOperationException($"The push listener address '{url}' (urls / ASPNETCORE_URLS) cannot be used with Relay:Management:Url. Fix: write it as http://host:port with an IP address, localhost, * or +.");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    /// <summary>The addresses the server is bound to, for the start-up log.</summary>
    internal static IEnumerable<string> Bound(IServer server) =>
        server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
}
