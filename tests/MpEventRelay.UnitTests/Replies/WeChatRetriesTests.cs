using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Replies;
using MpEventRelay.Routing;

namespace MpEventRelay.UnitTests.Replies;

/// <summary>WeChat's retry timing that late replies wait on: 5 s attempts, 3 of them, a second of slack.</summary>
public sealed class WeChatRetriesTests
{
    private static readonly WeChatApiOptions WeChat = new() { AttemptTimeout = TimeSpan.FromSeconds(5), Attempts = 3 };

    [Fact]
    public void After_a_normal_route_WeChats_retries_are_over_a_second_after_its_first_attempt_times_out()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), WeChatRetries.End(Route(waitForRetry: false), WeChat));
    }

    [Fact]
    public void On_a_route_that_holds_attempts_they_are_over_a_second_after_the_last_one_times_out()
    {
        Assert.Equal(TimeSpan.FromSeconds(16), WeChatRetries.End(Route(waitForRetry: true), WeChat));
        Assert.Equal(TimeSpan.FromSeconds(9), WeChatRetries.End(Route(waitForRetry: true), WeChat with { AttemptTimeout = TimeSpan.FromSeconds(4), Attempts = 2 }));
    }

    [Fact]
    public void A_held_attempt_stays_open_until_a_second_after_WeChat_hangs_up()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), WeChatRetries.HeldFor(WeChat));
    }

    [Fact]
    public void Every_attempt_but_WeChats_last_is_held_and_only_on_a_route_that_asks()
    {
        Assert.True(WeChatRetries.Holds(Route(waitForRetry: true), 1, WeChat));
        Assert.True(WeChatRetries.Holds(Route(waitForRetry: true), 2, WeChat));
        Assert.False(WeChatRetries.Holds(Route(waitForRetry: true), 3, WeChat));
        Assert.False(WeChatRetries.Holds(Route(waitForRetry: false), 1, WeChat));
        Assert.False(WeChatRetries.Holds(null, 1, WeChat));
    }

    private static RouteModel Route(bool waitForRetry) =>
        new() { Name = "r", Match = new RouteMatcher(), Repliers = [], Copies = [], WaitForRetry = waitForRetry };
}
