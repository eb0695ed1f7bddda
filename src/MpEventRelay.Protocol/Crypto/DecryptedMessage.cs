namespace MpEventRelay.Protocol.Crypto;

/// <summary>The message bytes inside an <c>Encrypt</c> element, and which key opened them.</summary>
/// <param name="Message">The exact UTF-8 message bytes, as the sender encrypted them.</param>
/// <param name="Key">The key that succeeded; encrypt the reply with it.</param>
public readonly record struct DecryptedMessage(byte[] Message, AesKeySlot Key);
