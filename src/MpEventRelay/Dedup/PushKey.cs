namespace MpEventRelay.Dedup;

/// <summary>
/// A push's identity, computed once per push and used three ways: <see cref="Value"/> (a keyed hash) recognises
/// WeChat's retries (<see cref="DedupKey.For"/>); <see cref="Id"/>, derived from it, is the <c>Idempotency-Key</c> sent
/// to targets with every attempt and the push's id in the trail (<see cref="DedupKey.Header"/>).
/// </summary>
internal sealed record PushKey(string Value)
{
    public string Id { get; } = DedupKey.Header(Value);
}
