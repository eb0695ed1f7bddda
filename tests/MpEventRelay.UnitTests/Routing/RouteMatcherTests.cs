using System.Text.RegularExpressions;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Routing;
using MpEventRelay.Simulation;

namespace MpEventRelay.UnitTests.Routing;

public sealed class RouteMatcherTests
{
    private static readonly PushMessageBuilder User = new("gh_1", "oUser0001", 1714112445);

    [Theory]
    [InlineData("subscribe")]
    [InlineData("SUBSCRIBE")]
    [InlineData("Subscribe")]
    public void Events_match_in_any_case(string name)
    {
        var matcher = new RouteMatcher { MsgType = "EVENT", Events = ["subscribe", "SCAN"] };

        Assert.True(matcher.Matches(PushMessage.Parse(User.Event(name))));
        Assert.False(matcher.Matches(PushMessage.Parse(User.Unsubscribe())));
    }

    [Fact]
    public void One_prefix_rule_catches_a_scene_on_first_follow_and_on_scan()
    {
        var matcher = new RouteMatcher { Events = ["subscribe", "SCAN"], EventKeyPrefix = "promo_" };

        Assert.True(matcher.Matches(PushMessage.Parse(User.Subscribe("promo_42"))));
        Assert.True(matcher.Matches(PushMessage.Parse(User.Scan("promo_42"))));
        Assert.False(matcher.Matches(PushMessage.Parse(User.Scan("login_42"))));
        Assert.False(matcher.Matches(PushMessage.Parse(User.Subscribe())));
    }

    [Fact]
    public void Exact_and_regex_keys_see_the_scene_too_and_raw_keys_still_match()
    {
        Assert.True(new RouteMatcher { EventKey = "42" }.Matches(PushMessage.Parse(User.Subscribe("42"))));
        Assert.True(new RouteMatcher { EventKey = "qrscene_42" }.Matches(PushMessage.Parse(User.Subscribe("42"))));
        Assert.True(new RouteMatcher { EventKeyRegex = new Regex("^[0-9]+$", RouteMatcher.RegexFlags) }.Matches(PushMessage.Parse(User.Scan("42"))));
        Assert.False(new RouteMatcher { EventKey = "42" }.Matches(PushMessage.Parse(User.Click("qrscene_42"))));
    }

    [Fact]
    public void A_payment_follow_is_not_a_scene()
    {
        var message = PushMessage.Parse(User.Event("subscribe", ("EventKey", "last_trade_no_4200001")));

        Assert.False(new RouteMatcher { EventKeyPrefix = "4200" }.Matches(message));
        Assert.True(new RouteMatcher { EventKeyPrefix = "last_trade_no_" }.Matches(message));
    }

    [Fact]
    public void Content_regex_and_user_list_filter_messages()
    {
        var matcher = new RouteMatcher { ContentRegex = new Regex("订单|order", RouteMatcher.RegexFlags), FromUserNames = new HashSet<string> { "oUser0001" } };

        Assert.True(matcher.Matches(PushMessage.Parse(User.Text("我的订单呢", 1))));
        Assert.False(matcher.Matches(PushMessage.Parse(User.Text("hello", 2))));
        Assert.False(matcher.Matches(PushMessage.Parse(new PushMessageBuilder("gh_1", "oOther", 1).Text("order", 3))));
    }

    [Fact]
    public void An_empty_matcher_is_a_catch_all()
    {
        Assert.True(new RouteMatcher().Matches(PushMessage.Parse(User.Location(23.1, 113.3, 50))));
    }
}
