namespace MpEventRelay.Trail;

/// <summary>
/// WeChat tries of one push answered alike (<c>duplicate</c>, 200) while the writer had not yet taken them: one trail
/// event with a count and the last one's time, however many arrive — a captured push replayed at full speed costs the
/// trail an event per writer batch, not one per copy.
/// </summary>
internal sealed class DuplicateTally(TrailEvent first)
{
    private readonly Lock _lock = new();
    private int _count = 1;
    private long _lastAtMs = first.AtMs;
    private bool _closed;

    /// <summary>The first try of the run; it goes to the writer, which fills in the count when it takes it.</summary>
    public TrailEvent Event { get; } = first;

    /// <summary>Counts one more try; false once the writer has taken the tally (start a new one).</summary>
    public bool TryAdd(long atMs)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _count++;
            _lastAtMs = Math.Max(_lastAtMs, atMs);
            return true;
        }
    }

    /// <summary>For the writer: no more tries join; the event gets the count and the last time.</summary>
    public TrailEvent Close()
    {
        lock (_lock)
        {
            _closed = true;
            Event.Count = _count;
            Event.LastAtMs = _count > 1 ? _lastAtMs : null;
            return Event;
        }
    }
}
