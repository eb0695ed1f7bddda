namespace MpEventRelay.Logging;

/// <summary>What the request log line says about a push: account, route, target, outcome.</summary>
internal sealed record RelayLogContext(string Account, string Route, string Target, string Outcome)
{
    public override string ToString() => $"account {Account}, route {Route}, target {Target}, outcome {Outcome}";
}
