using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Captures every log event the relay writes, rendered as text with its properties, so tests can read the logs.</summary>
internal sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        writer.Write($"{logEvent.Level} {logEvent.RenderMessage()}");
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write($" {name}={value}");
        }

        if (logEvent.Exception is not null)
        {
            writer.Write(" " + logEvent.Exception);
        }

        _lines.Enqueue(writer.ToString());
    }
}
