namespace MpEventRelay.UnitTests;

/// <summary>
/// For what a continuation on the thread pool finishes: checks the condition every few milliseconds, gives up after
/// 10 s, never waits a fixed time. (The clock the code under test reads is the test's; this bound is real time.)
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static async Task<bool> TrueAsync(Func<Task<bool>> condition)
    {
        var giveUp = DateTime.UtcNow + Bound;
        while (!await condition() && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(5);
        }

        return await condition();
    }

    public static Task<bool> TrueAsync(Func<bool> condition) => TrueAsync(() => Task.FromResult(condition()));
}
