using System.Diagnostics;

namespace MpEventRelay.Observability;

/// <summary>
/// The relay's spans: one trace per push (<c>mprelay.push</c>) with <c>mprelay.decode</c>, <c>mprelay.route</c>, one
/// <c>mprelay.deliver</c> per attempt (its HTTP request carries the W3C <c>traceparent</c>) and <c>mprelay.reply</c>.
/// Exported by OTLP only when configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); with no listener, starting a span
/// returns null and costs a check.
/// </summary>
internal static class RelayTracing
{
    public const string SourceName = "MpEventRelay";

    public static ActivitySource Source { get; } = new(SourceName);
}
