using MpEventRelay.Configuration.Building;
using MpEventRelay.Configuration.Reading;
using MpEventRelay.Configuration.Validation;
using MpEventRelay.Model;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration.Loading;

/// <summary>
/// One load of the configuration, YARP's part included: freeze, read, validate each section, build the model.
/// Every problem is collected; a model comes out only when there is none.
/// </summary>
internal sealed class ConfigurationLoader(IConfigValidator proxyValidator, string environmentName)
{
    public RelayModel? Load(IConfiguration configuration, ConfigurationErrors errors)
    {
        var frozen = ConfigurationFreezer.Freeze(configuration);
        var (routes, clusters) = ProxyConfigReader.Read(frozen, errors);
        var acceptedClusters = ProxyValidator.Validate(routes, clusters, proxyValidator, errors);

        PlaceholderValidator.Validate(frozen, errors);
        var options = RelayOptionsReader.Read(frozen, errors);
        LimitsValidator.Validate(options, errors);
        ResilienceValidator.Validate(options.Resilience, errors);
        OutboxValidator.Validate(options.Outbox, errors);
        StorageValidator.Validate(options, errors);
        DedupValidator.Validate(options.Dedup, errors);
        ManagementValidator.Validate(options.Management, errors);
        AdminValidator.Validate(options.Admin, errors);
        WeChatApiValidator.Validate(options, errors);
        ApiGatewayValidator.Validate(options, environmentName, errors);
        TrailValidator.Validate(options.Trail, errors);
        DemoSecretsValidator.Validate(options, environmentName, errors);

        var model = RelayModelFactory.Create(options, routes, clusters, acceptedClusters, errors);
        errors.NameSources(configuration);
        return model;
    }

    /// <summary>A loader with YARP's stock validator, for tools that run without the relay's host (<c>mprelay check-config</c>).</summary>
    public static ConfigurationLoader Standalone(string environmentName)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReverseProxy();
        // The validator's dependencies are singletons without state worth disposing; the container lives with it.
        var provider = services.BuildServiceProvider();
        return new ConfigurationLoader(provider.GetRequiredService<IConfigValidator>(), environmentName);
    }
}
