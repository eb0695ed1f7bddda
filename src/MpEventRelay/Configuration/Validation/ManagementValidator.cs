using System.Net;

namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Management</c> section: the listener's address must be one Kestrel can bind, each trusted proxy an address or a network.</summary>
internal static class ManagementValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Management:Url";

    public static void Validate(ManagementOptions options, ConfigurationErrors errors)
    {
        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!IPAddress.TryParse(options.TrustedProxies[i], out _) && !IPNetwork.TryParse(options.TrustedProxies[i], out _))
            {
                errors.Add($"{RelayOptions.SectionName}:Management:TrustedProxies:{i}", $"'{options.TrustedProxies[i]}' is not an IP address or network.", "write the proxy's address (10.0.0.5) or its network (10.1.0.0/16).");
            }
        }

        if (options.Url is null)
        {
            return;
        }

        if (!ListenAddress.TryParse(options.Url, out _))
        {
            errors.Add(Key, $"'{options.Url}' is not an http address with a host and a port.", "use e.g. http://0.0.0.0:8081 (all interfaces) or http://127.0.0.1:8081 (this machine only).");
        }
    }
}
