namespace MpEventRelay.LoadTest;

/// <summary>Hands out consecutive, never reused slices of the workload, so no phase replays another's pushes.</summary>
internal sealed class Slicer(IReadOnlyList<(string PathAndQuery, byte[] Body)> all)
{
    private int _next;

    public IReadOnlyList<(string PathAndQuery, byte[] Body)> Take(int count)
    {
        var slice = all.Skip(_next).Take(count).ToArray();
        _next += slice.Length;
        return slice;
    }
}
