using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Observability;

namespace MpEventRelay.Benchmarks;

/// <summary>The dedup lookup on the hot path: a new message (claims an entry) and a retry (finds it).</summary>
[MemoryDiagnoser]
public class DedupBenchmarks
{
    private static readonly Task<RelayAnswer> Answer = Task.FromResult(RelayAnswer.Success("delivered"));
    private InMemoryDedupStore _store = null!;
    private long _next;
    private RelayOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Dedup:Capacity"] = "1000000",
            ["Relay:Accounts:a:Path"] = "/a",
            ["Relay:Accounts:a:AppId"] = "wx1",
            ["Relay:Accounts:a:Token"] = "token1",
            ["Relay:Accounts:a:Targets:t:Cluster"] = "c",
            ["Relay:Accounts:a:Targets:t:Token"] = "token2",
            ["Relay:Accounts:a:Targets:t:Encryption"] = "Plaintext",
            ["Relay:Accounts:a:Routes:0:Target"] = "t",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1",
        }).Build();
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var models = new RelayModelProvider(configuration, ConfigurationLoader.Standalone("Production"), NullLogger<RelayModelProvider>.Instance);
        _options = models.Current.Options;
        _store = new InMemoryDedupStore(new RelayMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), services, TimeProvider.System), TimeProvider.System, NullLogger<InMemoryDedupStore>.Instance);
        _store.RunOnceAsync("wx1|m|retried", () => Answer, _options, TimeSpan.Zero);
    }

    [Benchmark]
    public bool NewMessage() => _store.RunOnceAsync($"wx1|m|{_next++}", () => Answer, _options, TimeSpan.Zero).IsCompleted;

    [Benchmark]
    public bool Retry() => _store.RunOnceAsync("wx1|m|retried", () => Answer, _options, TimeSpan.Zero).IsCompleted;
}
