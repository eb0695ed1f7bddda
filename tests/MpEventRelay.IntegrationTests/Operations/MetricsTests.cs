using MpEventRelay.IntegrationTests.Infrastructure;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Simulation;

namespace MpEventRelay.IntegrationTests.Operations;

public sealed class MetricsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_count_what_happened_to_each_push()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        // Its own process: meters are process-wide, so relays hosted side by side in the test process would add up.
        var workDir = RelayProcess.NewWorkDirectory();
        // A second account takes a warm-up push first: a cold process's first push (JIT, connections) once took longer
        // than the 2 s deadline on a busy CI machine, and only "main"'s series are counted below.
        var config = RelayConfig.ModeTwo(idaas, bot).Set("Deadline", "00:00:02")
            .Account("warm", "/wechat/warm", RelayConfig.Targets(), [new System.Text.Json.Nodes.JsonObject { ["Name"] = "warm-up", ["Target"] = "idaas" }]);
        using var relay = await RelayProcess.StartAsync(workDir, config.ToJson());
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);
        Assert.Equal(200, (await wechat.PushAsync(relay.Url("/wechat/warm"), Pushes.From().Text("warm-up", Pushes.NewMsgId()), EncryptionMode.Secure)).StatusCode);
        var login = Pushes.From().Subscribe("login_m");
        await wechat.PushAsync(relay.Url("/wechat/main"), login, EncryptionMode.Secure);
        await wechat.PushAsync(relay.Url("/wechat/main"), login, EncryptionMode.Secure); // a retry: a dedup hit
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text("hi", Pushes.NewMsgId()), EncryptionMode.Secure);
        bot.Delay(TimeSpan.FromSeconds(3));
        await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Click("SLOW"), EncryptionMode.Secure); // a deadline miss

        // The late delivery settles its outbox record (the gauge follows the worker's next look); then every series
        // below has its final value.
        Dictionary<string, double> metrics = [];
        Assert.True(await Eventually.TrueAsync(
            () => (metrics = PrometheusText.Parse(http.GetStringAsync(new Uri(relay.ManagementAddress, "/metrics")).Result)).GetValueOrDefault("mprelay_target_duration_seconds_count{result=\"delivered\",target=\"bot\"}") == 3
                && metrics.GetValueOrDefault("mprelay_outbox_pending{store=\"sqlite\"}", -1) == 0,
            TimeSpan.FromSeconds(15)), string.Join("\n", metrics.Where(m => m.Key.StartsWith("mprelay", StringComparison.Ordinal) && !m.Key.Contains("bucket", StringComparison.Ordinal))));

        // Every push's outcome first, all of them in the message: one login push once had another (seen once in CI).
        Assert.Equal(
            ["deadline-missed/everything-else", "delivered/everything-else", "delivered/login", "duplicate/login"],
            metrics.Where(m => m.Key.StartsWith("mprelay_pushes_total{account=\"main\"", StringComparison.Ordinal)).SelectMany(m => Enumerable.Repeat(Outcome(m.Key), (int)m.Value)).Order());
        Assert.Equal(1, metrics["mprelay_pushes_total{account=\"main\",outcome=\"delivered\",route=\"login\"}"]);
        Assert.Equal(1, metrics["mprelay_pushes_total{account=\"main\",outcome=\"duplicate\",route=\"login\"}"]);
        Assert.Equal(1, metrics["mprelay_pushes_total{account=\"main\",outcome=\"delivered\",route=\"everything-else\"}"]);
        Assert.Equal(1, metrics["mprelay_pushes_total{account=\"main\",outcome=\"deadline-missed\",route=\"everything-else\"}"]);
        Assert.Equal(1, metrics["mprelay_deadline_misses_total{account=\"main\"}"]);
        Assert.Equal(1, metrics["mprelay_dedup_hits_total"]);
        Assert.Equal(2, metrics["mprelay_target_duration_seconds_count{result=\"delivered\",target=\"idaas\"}"]); // the login and the warm-up
        Assert.Equal(3, metrics["mprelay_push_duration_seconds_count{account=\"main\",route=\"login\"}"] + metrics["mprelay_push_duration_seconds_count{account=\"main\",route=\"everything-else\"}"] - 1);
        Assert.Equal(0, metrics.Where(m => m.Key.StartsWith("mprelay_outbox_dead{", StringComparison.Ordinal)).Sum(m => m.Value));
        Assert.Equal(0, metrics["mprelay_circuit_state{cluster=\"bot\",destination=\"d0\"}"]);
        Assert.Equal(1, metrics["mprelay_destination_healthy{cluster=\"bot\",destination=\"d0\"}"]);

        // .NET's own meter beside the relay's: what an operator (and the load harness) reads allocation and the pool from.
        Assert.True(metrics.Where(m => m.Key.StartsWith("dotnet_gc_heap_total_allocated", StringComparison.Ordinal)).Sum(m => m.Value) > 0);
        Assert.True(metrics.Where(m => m.Key.StartsWith("dotnet_thread_pool_work_item_count", StringComparison.Ordinal)).Sum(m => m.Value) > 0);
    }

    // "mprelay_pushes_total{account="main",outcome="delivered",route="login"}" → "delivered/login".
    private static string Outcome(string series) =>
        $"{Label(series, "outcome")}/{Label(series, "route")}";

    [Fact]
    public async Task A_target_answering_in_300_ms_reads_back_from_the_exported_buckets_as_300_ms_within_one_bucket()
    {
        using var idaas = new TargetStub();
        using var bot = new TargetStub();
        bot.Delay(TimeSpan.FromMilliseconds(300));
        var workDir = RelayProcess.NewWorkDirectory();
        using var relay = await RelayProcess.StartAsync(workDir, RelayConfig.ModeTwo(idaas, bot).ToJson());
        using var http = new HttpClient();
        var wechat = new WeChatPushClient(http, Keys.Account);
        // One at a time, each timed from outside: the relay's own measure of a push is at least the bot's 300 ms and at
        // most what the client saw, so the true median lies between those, whatever else the machine is doing.
        var seen = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await wechat.PushAsync(relay.Url("/wechat/main"), Pushes.From().Text($"timed {i}", Pushes.NewMsgId()), EncryptionMode.Secure);
            seen.Add(clock.Elapsed.TotalSeconds);
        }

        var clientMedian = seen.Order().ElementAt(seen.Count / 2);
        var upper = Observability.RelayMetrics.DurationBuckets.First(b => b >= clientMedian); // the bucket that holds it

        Dictionary<string, double> metrics = [];
        Assert.True(await Eventually.TrueAsync(() => (metrics = PrometheusText.ScrapeAsync(http, relay).Result).GetValueOrDefault("mprelay_target_duration_seconds_count{result=\"delivered\",target=\"bot\"}") == 20));
        // The dashboard's own queries: histogram_quantile over the exported buckets.
        var target50 = PrometheusText.HistogramQuantile(0.5, metrics, "mprelay_target_duration_seconds_bucket{result=\"delivered\",target=\"bot\",");
        var push50 = PrometheusText.HistogramQuantile(0.5, metrics, "mprelay_push_duration_seconds_bucket{account=\"main\",route=\"everything-else\",");
        output.WriteLine($"a bot answering after 300 ms: target p50 {target50:0.000} s, push p50 {push50:0.000} s; the client saw a median of {clientMedian:0.000} s");
        Assert.InRange(target50, 0.25, upper); // from the bucket that holds 0.3 s to the one that holds what the client saw
        Assert.InRange(push50, 0.25, upper);
    }

    private static string Label(string series, string name)
    {
        var start = series.IndexOf(name + "=\"", StringComparison.Ordinal) + name.Length + 2;
        return series[start..series.IndexOf('"', start)];
    }
}
