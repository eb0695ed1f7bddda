using MpEventRelay.Hosting;

namespace MpEventRelay.Configuration.Validation;

/// <summary>The <c>Relay:Management</c> section: the listener's address must be one Kestrel can bind.</summary>
internal static class ManagementValidator
{
    private const string Key = $"{RelayOptions.SectionName}:Management:Url";

    public static void Validate(ManagementOptions options, ConfigurationErrors errors)
    {
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
