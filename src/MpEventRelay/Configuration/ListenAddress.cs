using System.Net;

namespace MpEventRelay.Configuration;

/// <summary>An http listen address (<c>http://host:port</c>) as Kestrel's <c>Listen</c> calls take it.</summary>
internal sealed record ListenAddress(string Host, int Port, bool Https = false)
{
    public static bool TryParse(string? url, out ListenAddress address) => TryParse(url, allowHttps: false, out address);

    public static bool TryParse(string? url, bool allowHttps, out ListenAddress address)
    {
        address = new ListenAddress("", 0);
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        BindingAddress parsed;
        try
        {
            parsed = BindingAddress.Parse(url.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var https = string.Equals(parsed.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        if (!(string.Equals(parsed.Scheme, "http", StringComparison.OrdinalIgnoreCase) || (https && allowHttps)) || parsed.Port is < 0 or > 65535 || string.IsNullOrEmpty(parsed.Host)
            || (parsed.Host is not ("*" or "+" or "localhost") && !IPAddress.TryParse(parsed.Host.Trim('[', ']'), out _)))
        {
            return false;
        }

        address = new ListenAddress(parsed.Host, parsed.Port, https);
        return true;
    }

    /// <summary>Binds this address on Kestrel, calling <paramref name="configure"/> for each socket.</summary>
    public void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
    {
        if (Https)
        {
            var inner = configure;
            configure = listen =>
            {
                listen.UseHttps();
                inner(listen);
            };
        }

        switch (Host)
        {
            case "*" or "+":
                kestrel.ListenAnyIP(Port, configure);
                break;
            case "localhost":
                kestrel.ListenLocalhost(Port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(Host.Trim('[', ']')), Port, configure);
                break;
        }
    }
}
