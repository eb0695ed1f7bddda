using System.Net.Http.Headers;
using MpEventRelay.Protocol;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Protocol.Signing;

namespace MpEventRelay.Simulation;

/// <summary>
/// Plays WeChat against a developer server (the relay, a bot, the IDaaS): signs and encrypts pushes with the
/// account's keys in any mode, sends them, and verifies and decrypts the reply as WeChat would.
/// </summary>
public sealed class WeChatPushClient(HttpClient http, WeChatKeys accountKeys, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Sends one push; <paramref name="timestamp"/> and <paramref name="nonce"/> default to fresh ones.</summary>
    public async Task<SimulatedReply> PushAsync(Uri url, byte[] messageXml, EncryptionMode mode, string? timestamp = null, string? nonce = null, CancellationToken cancellationToken = default)
    {
        var push = PushWriter.Write(PushMessage.Parse(messageXml), accountKeys, mode, timestamp ?? WeChatClock.Timestamp(_time), nonce ?? WeChatClock.Nonce());
        return await SendAsync(url, push, mode != EncryptionMode.Plaintext, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends an already-written push (to replay the very same bytes, as WeChat's retries do).</summary>
    public async Task<SimulatedReply> SendAsync(Uri url, OutgoingPush push, bool encrypted, CancellationToken cancellationToken = default)
    {
        var builder = new UriBuilder(url) { Query = push.QueryString };
        using var content = new ByteArrayContent(push.Body) { Headers = { ContentType = new MediaTypeHeaderValue("text/xml") } };
        using var response = await http.PostAsync(builder.Uri, content, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Check((int)response.StatusCode, body, encrypted);
    }

    /// <summary>The URL verification WeChat runs when the server URL is saved: true when <c>echostr</c> comes back verbatim.</summary>
    public async Task<bool> VerifyUrlAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var timestamp = WeChatClock.Timestamp(_time);
        var nonce = WeChatClock.Nonce();
        var echo = WeChatClock.Nonce() + WeChatClock.Nonce();
        var signature = WeChatSignature.Compute(accountKeys.Token, timestamp, nonce);
        var builder = new UriBuilder(url) { Query = $"signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={echo}" };
        using var response = await http.GetAsync(builder.Uri, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) == echo;
    }

    private SimulatedReply Check(int status, byte[] body, bool encryptedPush)
    {
        if (status != 200)
        {
            return new SimulatedReply(status, body, null, $"HTTP {status}", false);
        }

        try
        {
            var isEnvelope = !ReplyDecoder.IsNoReply(body) && WeChatXmlReader.Read(body).Encrypt is not null;
            var reply = ReplyDecoder.Decode(body, accountKeys);
            var problem = encryptedPush && reply is not null && !isEnvelope ? "a plain reply to an encrypted push" : null;
            return new SimulatedReply(status, body, reply, problem, isEnvelope);
        }
        catch (ProtocolException e)
        {
            return new SimulatedReply(status, body, null, $"{e.Error}: {e.Message}", false);
        }
    }
}
