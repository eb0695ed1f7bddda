using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>The relay itself, on Kestrel on a free loopback port, configured by a JSON document.</summary>
internal sealed class RelayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RelayServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public Uri Url(string path) => new(BaseAddress, path);

    public static Task<RelayServer> StartAsync(string configurationJson, Action<IServiceCollection>? services = null, string logLevel = "Warning") =>
        StartAsync(configuration => configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(configurationJson))), services, logLevel);

    /// <summary>Starts the relay on a configuration file it watches, as in production (hot reload).</summary>
    public static Task<RelayServer> StartFromFileAsync(string path, Action<IServiceCollection>? services = null, string logLevel = "Warning") =>
        StartAsync(configuration => configuration.AddJsonFile(path, optional: false, reloadOnChange: true), services, logLevel);

    private static async Task<RelayServer> StartAsync(Action<IConfigurationBuilder> source, Action<IServiceCollection>? services, string logLevel)
    {
        var app = RelayApp.Create(["--urls=http://127.0.0.1:0"], builder =>
        {
            // Only the test's configuration: not the demo defaults copied next to the test assembly.
            builder.Configuration.Sources.Clear();
            // One port for everything in the fast tier, opted in as an operator would; a test's own setting wins.
            builder.Configuration.AddInMemoryCollection([new("Relay:Management:OnPushPort", "true")]);
            source(builder.Configuration);
            builder.Configuration.AddInMemoryCollection([new("Serilog:MinimumLevel:Default", logLevel)]);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var relay = new RelayServer(app, new Uri(app.Urls.First()));
        await relay.WaitUntilReadyAsync();
        return relay;
    }

    /// <summary>As a load balancer would: pushes start once /health/ready says 200 (stores open and warm).</summary>
    private async Task WaitUntilReadyAsync()
    {
        var ready = await Eventually.TrueAsync(() => Http.GetAsync("/health/ready").GetAwaiter().GetResult().IsSuccessStatusCode, TimeSpan.FromSeconds(30));
        if (!ready)
        {
            throw new InvalidOperationException("The relay did not become ready within 30 s: " + Http.GetStringAsync("/health/ready").GetAwaiter().GetResult());
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
