using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.Simulation;

/// <summary>What a developer server answered to a simulated push, checked as WeChat would check it.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The raw answer.</param>
/// <param name="Reply">The decrypted passive reply; null for <c>success</c>/empty or when the answer is not a reply.</param>
/// <param name="Problem">Why the answer is not something WeChat would accept, if it is not.</param>
/// <param name="WasEncrypted">True when the reply came as an encrypted envelope.</param>
public sealed record SimulatedReply(int StatusCode, byte[] Body, PassiveReply? Reply, string? Problem, bool WasEncrypted);
