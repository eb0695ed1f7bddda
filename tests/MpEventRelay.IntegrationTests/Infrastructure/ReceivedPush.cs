using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>One push a target stub received, as it arrived on the wire.</summary>
internal sealed record ReceivedPush(PushQuery Query, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Opens the push as the target itself would: its Token verified, its key used, its AppId checked.</summary>
    public InboundPush Open(WeChatKeys keys) => new PushDecoder(keys.Token, keys.Cryptor).Decode(Query, Body);
}
