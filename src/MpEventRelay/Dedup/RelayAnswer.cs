namespace MpEventRelay.Dedup;

/// <summary>What WeChat gets for one message: a checked plain passive reply, or nothing (<c>success</c>).</summary>
/// <param name="ReplyXml">The plain reply XML (encrypted per request, since a retry may arrive in another mode); null for <c>success</c>.</param>
/// <param name="Outcome">What happened, for logs and metrics.</param>
internal sealed record RelayAnswer(byte[]? ReplyXml, string Outcome)
{
    public static RelayAnswer Success(string outcome) => new(null, outcome);
}
