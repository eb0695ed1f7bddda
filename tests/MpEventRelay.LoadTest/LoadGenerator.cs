using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace MpEventRelay.LoadTest;

/// <summary>Drives a server with pre-generated pushes: closed loop at full speed, or open loop at a fixed rate.</summary>
internal sealed class LoadGenerator(HttpClient http)
{
    private static readonly MediaTypeHeaderValue Xml = new("text/xml");

    /// <summary>Full speed: <paramref name="concurrency"/> workers, each sending its next request as soon as the last is answered.</summary>
    public async Task<LoadResult> RunClosedAsync(string name, Uri server, IReadOnlyList<(string PathAndQuery, byte[] Body)> requests, int concurrency, TimeSpan maxDuration)
    {
        var next = -1;
        var errors = 0;
        var latencies = new ConcurrentBag<double>();
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count && stop.Elapsed < maxDuration)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await SendAsync(server, requests[i]);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return new LoadResult(name, latencies.Count, errors, stop.Elapsed, latencies.ToArray());
    }

    /// <summary>
    /// A fixed rate, open loop: request i is due at i / rate seconds whatever happened before, and its latency counts
    /// from when it was due, so a stall is measured rather than hidden.
    /// </summary>
    public async Task<LoadResult> RunFixedRateAsync(string name, Uri server, IReadOnlyList<(string PathAndQuery, byte[] Body)> requests, int rate, TimeSpan duration)
    {
        var total = Math.Min(requests.Count, (int)(rate * duration.TotalSeconds));
        var errors = 0;
        var latencies = new ConcurrentBag<double>();
        var inFlight = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var due = Math.Min(total, (int)(elapsed * rate) + 1);
            for (; sent < due; sent++)
            {
                var dueAt = start + (long)(sent * (double)Stopwatch.Frequency / rate);
                var request = requests[sent];
                inFlight.Add(Task.Run(async () =>
                {
                    var ok = await SendAsync(server, request);
                    latencies.Add(Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds);
                    if (!ok)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return new LoadResult(name, latencies.Count, errors, Stopwatch.GetElapsedTime(start), latencies.ToArray());
    }

    private async Task<bool> SendAsync(Uri server, (string PathAndQuery, byte[] Body) request)
    {
        try
        {
            using var content = new ByteArrayContent(request.Body);
            content.Headers.ContentType = Xml;
            using var response = await http.PostAsync(new Uri(server, request.PathAndQuery), content);
            var body = await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode && body.AsSpan().SequenceEqual("success"u8);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
