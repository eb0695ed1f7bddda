namespace MpEventRelay.Protocol.Messages;

/// <summary>A WeChat-shaped push ready to send: its body and its query string (without the leading <c>?</c>).</summary>
public sealed record OutgoingPush(byte[] Body, string QueryString);
