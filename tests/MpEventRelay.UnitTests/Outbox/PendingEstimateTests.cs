using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

/// <summary>The per-lane count the request path checks the outbox limit against, between the worker's looks.</summary>
public sealed class PendingEstimateTests
{
    private readonly PendingEstimate _pending = new();

    [Fact]
    public void An_unknown_lane_holds_nothing()
    {
        Assert.Equal(0, _pending.Of("main/bot"));
    }

    [Fact]
    public void Additions_and_removals_count_per_lane()
    {
        _pending.Added("main/bot");
        _pending.Added("main/bot");
        _pending.Added("main/idaas");
        _pending.Removed("main/bot");

        Assert.Equal(1, _pending.Of("main/bot"));
        Assert.Equal(1, _pending.Of("main/idaas"));
    }

    [Fact]
    public void A_removal_before_any_addition_lowers_the_observed_count()
    {
        _pending.Observe(new Dictionary<string, long> { ["main/bot"] = 5 });
        _pending.Removed("main/bot"); // a record another look had counted was delivered here

        Assert.Equal(4, _pending.Of("main/bot"));
    }

    [Fact]
    public void An_observation_replaces_what_was_counted_and_forgets_lanes_it_does_not_name()
    {
        _pending.Added("main/bot");
        _pending.Added("main/idaas");
        _pending.Observe(new Dictionary<string, long> { ["main/bot"] = 3 });

        Assert.Equal(3, _pending.Of("main/bot"));
        Assert.Equal(0, _pending.Of("main/idaas"));

        _pending.Added("main/bot");
        Assert.Equal(4, _pending.Of("main/bot"));
    }

    [Fact]
    public void Lanes_are_told_apart_by_their_exact_name()
    {
        _pending.Added("main/bot");

        Assert.Equal(0, _pending.Of("main/Bot"));
    }
}
