namespace MpEventRelay.Configuration.Reading;

/// <summary>
/// Copies the relay's two sections (<c>Relay</c>, <c>ReverseProxy</c>) out of the live configuration, so one load
/// reads one instant: a file saved or an environment changed mid-read cannot mix two versions into one model.
/// </summary>
internal static class ConfigurationFreezer
{
    public static IConfigurationRoot Freeze(IConfiguration configuration) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.GetSection(RelayOptions.SectionName).AsEnumerable()
                .Concat(configuration.GetSection(ProxyConfigReader.SectionName).AsEnumerable()))
            .Build();
}
