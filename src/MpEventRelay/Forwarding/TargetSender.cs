using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace MpEventRelay.Forwarding;

/// <summary>
/// Delivers a push to a target as WeChat would: re-signed with the target's Token (fresh timestamp and nonce) and,
/// for encrypted targets, re-encrypted with its key. The destination comes from the target's YARP cluster (health
/// and load balancing are YARP's); the request goes through the cluster's own client and its Polly pipeline.
/// </summary>
internal sealed class TargetSender(
    IProxyStateLookup proxyState,
    IEnumerable<ILoadBalancingPolicy> policies,
    RelayModelProvider models,
    Observability.RelayMetrics metrics,
    TimeProvider time)
{
    /// <summary>The header that carries the dedup key, so receivers can be idempotent too.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue XmlContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
    private readonly Dictionary<string, ILoadBalancingPolicy> _policies = policies.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public async Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, string dedupKey, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var result = await SendOnceAsync(target, push, dedupKey, cancellationToken).ConfigureAwait(false);
        metrics.TargetCalled(target.ClusterId, result.Delivered, time.GetElapsedTime(started));
        return result;
    }

    private async Task<DeliveryResult> SendOnceAsync(TargetModel target, InboundPush push, string dedupKey, CancellationToken cancellationToken)
    {
        if (!proxyState.TryGetCluster(target.ClusterId, out var cluster) || cluster.Model.HttpClient is not { } client)
        {
            return DeliveryResult.Failed($"cluster '{target.ClusterId}' is not loaded");
        }

        var destination = PickDestination(cluster);
        if (destination is null)
        {
            return DeliveryResult.Failed($"cluster '{target.ClusterId}' has no healthy destination");
        }

        using var request = BuildRequest(target, push, dedupKey, destination.Model.Config.Address, cluster);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response.Content, models.Current.Options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new DeliveryResult(true, (int)response.StatusCode, body ?? [], null)
                : DeliveryResult.Failed($"answered {(int)response.StatusCode}", (int)response.StatusCode);
        }
        catch (BrokenCircuitException)
        {
            return DeliveryResult.Failed("circuit open");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            return DeliveryResult.Failed(e is HttpRequestException http ? $"connection failed ({http.HttpRequestError})" : "timed out");
        }
    }

    private DestinationState? PickDestination(ClusterState cluster)
    {
        var available = cluster.DestinationsState.AvailableDestinations;
        if (available.Count <= 1)
        {
            return available.Count == 1 ? available[0] : null;
        }

        var policyName = cluster.Model.Config.LoadBalancingPolicy ?? LoadBalancingPolicies.PowerOfTwoChoices;
        return _policies.TryGetValue(policyName, out var policy)
            ? policy.PickDestination(new Microsoft.AspNetCore.Http.DefaultHttpContext(), cluster, available)
            : available[Random.Shared.Next(available.Count)];
    }

    private HttpRequestMessage BuildRequest(TargetModel target, InboundPush push, string dedupKey, string address, ClusterState cluster)
    {
        var mode = target.ModeFor(push.Mode);
        // Same key, same AppId: WeChat's own ciphertext can travel on unchanged; only the signatures are renewed.
        var reusable = target.SharesAccountKey && push.Key == AesKeySlot.Current ? push.Encrypt : null;
        var outgoing = PushWriter.Write(push.Message, target.Keys, mode, WeChatClock.Timestamp(time), WeChatClock.Nonce(), reusable);

        var separator = address.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var request = new HttpRequestMessage(HttpMethod.Post, address + separator + outgoing.QueryString)
        {
            Content = new ByteArrayContent(outgoing.Body) { Headers = { ContentType = XmlContentType } },
            Version = cluster.Model.Config.HttpRequest?.Version ?? HttpVersion.Version11,
            VersionPolicy = cluster.Model.Config.HttpRequest?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, Dedup.DedupKey.Header(dedupKey));
        RelayRequestMarker.Mark(request);
        return request;
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } length)
        {
            // The usual case: the length is known, so the answer is read into one array of exactly that size.
            return length > maxBytes ? null : await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(1024);
        int read;
        while ((read = await stream.ReadAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
