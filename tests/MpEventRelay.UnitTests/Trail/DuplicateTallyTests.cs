using MpEventRelay.Trail;

namespace MpEventRelay.UnitTests.Trail;

/// <summary>Duplicate tries counted into one event until the writer takes it.</summary>
public sealed class DuplicateTallyTests
{
    [Fact]
    public void Tries_count_until_closed_then_the_event_holds_the_count_and_the_last_time()
    {
        var tally = new DuplicateTally(new TrailEvent("p", 1_000, TrailEventKind.WeChatTry) { Status = 200, Detail = "duplicate" });
        Assert.True(tally.TryAdd(1_500));
        Assert.True(tally.TryAdd(1_200)); // out of order: the last stays the latest

        var stored = tally.Close();

        Assert.False(tally.TryAdd(2_000));
        Assert.Equal(3, stored.Count);
        Assert.Equal(1_500, stored.LastAtMs);
        Assert.Equal(1_000, stored.AtMs);
    }

    [Fact]
    public void A_single_try_has_a_count_of_one_and_no_last_time()
    {
        var stored = new DuplicateTally(new TrailEvent("p", 1_000, TrailEventKind.WeChatTry)).Close();

        Assert.Equal(1, stored.Count);
        Assert.Null(stored.LastAtMs);
    }
}
