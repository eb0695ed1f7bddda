namespace MpEventRelay.UnitTests;

/// <summary>For what a continuation on the thread pool finishes: waits for the condition, bounded (10 s), never a fixed time.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!await condition() && DateTime.UtcNow < giveUp)
        {
            await Task.Yield();
        }

        return await condition();
    }
}
