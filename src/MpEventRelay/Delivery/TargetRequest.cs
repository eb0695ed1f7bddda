using System.Net;
using System.Net.Http.Headers;
using MpEventRelay.Model;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Crypto;
using MpEventRelay.Protocol.Messages;
using Yarp.ReverseProxy.Model;

namespace MpEventRelay.Delivery;

/// <summary>
/// The request a target gets, as WeChat would send it — re-signed with the target's Token (fresh timestamp and nonce),
/// re-encrypted with its key — and its answer, read up to the size limit.
/// </summary>
internal static class TargetRequest
{
    /// <summary>The header that carries the push's id, so receivers can be idempotent too.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    private const int FirstChunk = 1024;
    private static readonly Task<byte[]?> TooLarge = Task.FromResult<byte[]?>(null);
    private static readonly MediaTypeHeaderValue XmlContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");

    public static OutgoingPush Write(TargetModel target, InboundPush push, TimeProvider time)
    {
        var mode = target.ModeFor(push.Mode);
        // Same key, same AppId: WeChat's own ciphertext can travel on unchanged; only the signatures are renewed.
        var reusable = target.SharesAccountKey && push.Key == AesKeySlot.Current ? push.Encrypt : null;
        return PushWriter.Write(push.Message, target.Keys, mode, WeChatClock.Timestamp(time), WeChatClock.Nonce(), reusable);
    }

    public static HttpRequestMessage Build(OutgoingPush outgoing, string idempotencyKey, string address, ClusterState cluster)
    {
        var separator = address.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var request = new HttpRequestMessage(HttpMethod.Post, address + separator + outgoing.QueryString)
        {
            Content = new ByteArrayContent(outgoing.Body) { Headers = { ContentType = XmlContentType } },
            Version = cluster.Model.Config.HttpRequest?.Version ?? HttpVersion.Version11,
            VersionPolicy = cluster.Model.Config.HttpRequest?.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        return request;
    }

    /// <summary>The answer's body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is not { } length)
        {
            return ReadUnannouncedAsync(content, maxBytes, cancellationToken);
        }

        if (length > maxBytes)
        {
            return TooLarge;
        }

        // The usual case: the length is known, so the answer is read into one array of exactly that size, and the
        // content's own task is the answer (no state machine of ours).
        return content.ReadAsByteArrayAsync(cancellationToken)!;
    }

    // A chunked answer: a bot's is mostly "success" or one short reply, so the first chunk is small.
    private static async Task<byte[]?> ReadUnannouncedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await BoundedRead.ToEndAsync(stream, FirstChunk, maxBytes, cancellationToken).ConfigureAwait(false);
    }
}
