namespace MpEventRelay.Inbound;

/// <summary>
/// Binds a plaintext push's (timestamp, nonce, signature) to the first body seen with it. The plaintext signature
/// covers Token, timestamp and nonce only, so without this a captured triple would carry any body. WeChat's own
/// retries reuse the triple with the same body and pass.
/// </summary>
internal interface ISignatureLedger
{
    /// <summary>True when the triple is new, or was seen with this same body; false when it came with another body.</summary>
    /// <param name="key">Account and triple.</param>
    /// <param name="bodyHash">A hash of the body's bytes.</param>
    /// <param name="keepFor">How long the binding must be remembered: as long as the timestamp is accepted.</param>
    Task<bool> BindAsync(string key, string bodyHash, TimeSpan keepFor);
}
