namespace MpEventRelay.LoadTest;

/// <summary>
/// Hands out pushes never handed out before, generated when asked: their timestamps are fresh, as the relay refuses
/// pushes older than its clock-skew window (5 minutes), and a run of several rounds lasts longer than that (a six-round
/// run with the pushes made up front saw its last phases refused).
/// </summary>
internal sealed class FreshPushes(string runId)
{
    private int _next;

    public IReadOnlyList<(string PathAndQuery, byte[] Body)> Take(int count)
    {
        var pushes = Workload.Generate(count, runId, _next).Requests;
        _next += count;
        return pushes;
    }
}
