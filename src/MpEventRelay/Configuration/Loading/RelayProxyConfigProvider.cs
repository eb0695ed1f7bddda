using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration.Loading;

/// <summary>YARP's configuration is the running model's: validated with the relay's rules, swapped with it.</summary>
internal sealed class RelayProxyConfigProvider(RelayModelProvider models) : IProxyConfigProvider
{
    public IProxyConfig GetConfig() => models.Current.Proxy;
}
