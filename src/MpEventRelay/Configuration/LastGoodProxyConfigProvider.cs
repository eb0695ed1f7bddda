using Microsoft.Extensions.Primitives;
using MpEventRelay.Model;
using Yarp.ReverseProxy.Configuration;

namespace MpEventRelay.Configuration;

/// <summary>
/// Wraps YARP's configuration-file provider so the <c>ReverseProxy</c> section follows the relay's rule: a reload
/// is applied only when the whole file is valid. Without it, a file saved half-written (invalid JSON) would empty
/// YARP's clusters while the relay kept its last good routes.
/// </summary>
internal sealed class LastGoodProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    private readonly IProxyConfigProvider _inner;
    private readonly IConfiguration _configuration;
    private readonly ILogger<LastGoodProxyConfigProvider> _logger;
    private readonly Lock _lock = new();
    private Snapshot _current;
    private IDisposable? _subscription;

    public LastGoodProxyConfigProvider(IProxyConfigProvider inner, IConfiguration configuration, ILogger<LastGoodProxyConfigProvider> logger)
    {
        _inner = inner;
        _configuration = configuration;
        _logger = logger;
        _current = Take(inner.GetConfig());
    }

    public IProxyConfig GetConfig() => _current;

    public void Dispose()
    {
        _subscription?.Dispose();
        (_inner as IDisposable)?.Dispose();
    }

    private Snapshot Take(IProxyConfig config)
    {
        Watch(config);
        return new Snapshot(config.Routes, config.Clusters);
    }

    // Follows YARP's provider to its next change, whether or not this one was taken.
    private void Watch(IProxyConfig config)
    {
        _subscription?.Dispose();
        _subscription = config.ChangeToken.RegisterChangeCallback(_ => OnInnerChanged(), null);
    }

    private void OnInnerChanged()
    {
        lock (_lock)
        {
            var config = _inner.GetConfig();
            var errors = new ConfigurationErrors();
            var valid = RelayModelBuilder.FromConfiguration(_configuration, errors) is not null;
            if (valid)
            {
                var previous = _current;
                _current = Take(config);
                previous.Changed();
            }
            else
            {
                Watch(config);
                _logger.LogWarning("ReverseProxy reload skipped: the configuration file is invalid; YARP keeps its last good clusters and routes");
            }
        }
    }

    private sealed class Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void Changed() => _changed.Cancel();
    }
}
