using MpEventRelay.Dedup;
using MpEventRelay.Replies;
using MpEventRelay.UnitTests.Delivery;

namespace MpEventRelay.UnitTests.Replies;

/// <summary>
/// A late reply no retry took goes out through the customer-service API once WeChat can no longer retry; "typing…"
/// shows while a slow replier works. WeChat's API is in memory, the clock the test's.
/// </summary>
public sealed class LateReplySendingTests : IDisposable
{
    private const string Send = "/cgi-bin/message/custom/send";
    private const string Typing = "/cgi-bin/message/custom/typing";
    private readonly DeliveryCore _core = new(("Relay:Accounts:main:AppSecret", "an-app-secret-for-the-unit-tier-0"), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:01"));

    public void Dispose() => _core.Dispose();

    private LateReplies Late => _core.Get<LateReplies>();

    [Fact]
    public async Task An_untaken_reply_is_sent_by_the_API_once_WeChat_can_no_longer_retry_and_no_retry_gets_it_after()
    {
        var metrics = _core.Metrics;
        var delivery = _core.Delivery(b => b.Text("slow", 1));
        var options = _core.Model.Options;

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "the late answer")));
        Assert.Empty(_core.Api.CallsTo(Send)); // WeChat may still retry
        _core.Time.Advance(options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => _core.Api.CallsTo(Send).Any()));
        Assert.Contains("the late answer", Assert.Single(_core.Api.CallsTo(Send)), StringComparison.Ordinal);
        Assert.Null(await Late.ForAttemptAsync(delivery.Route, delivery.Key, LateAnswer(delivery, "the late answer"), _core.Time.GetTimestamp(), options, CancellationToken.None));
        Assert.True(await Eventually.TrueAsync(() => metrics.Of("mprelay.late.replies{code=0,via=api}") == 1));
        Assert.Equal(0, metrics.Of("mprelay.late.replies{code=0,via=passive}"));
    }

    [Fact]
    public async Task A_refused_API_send_is_counted_with_WeChats_code()
    {
        var metrics = _core.Metrics;
        _core.Api.ErrorCode = 45015;
        var delivery = _core.Delivery(b => b.Text("slow", 5));

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "window closed")));
        _core.Time.Advance(_core.Model.Options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => metrics.Of("mprelay.late.replies{code=45015,via=api-failed}") == 1));
        Assert.Equal(0, metrics.Of("mprelay.late.replies{code=0,via=api}"));
    }

    [Fact]
    public async Task A_reply_a_retry_took_is_not_sent_by_the_API()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 2));
        var options = _core.Model.Options;
        var late = LateAnswer(delivery, "taken passively");

        var metrics = _core.Metrics;
        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(late));
        Assert.NotNull(await Late.ForAttemptAsync(delivery.Route, delivery.Key, late, _core.Time.GetTimestamp(), options, CancellationToken.None));
        _core.Time.Advance(options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => _core.Get<MpEventRelay.Delivery.BackgroundDeliveries>().Count == 0));

        Assert.Empty(_core.Api.CallsTo(Send));
        Assert.Equal(1, metrics.Of("mprelay.late.replies{code=0,via=passive}"));
    }

    [Fact]
    public async Task Typing_shows_after_TypingAfter_while_no_reply_is_chosen_and_stops_with_the_reply()
    {
        var metrics = _core.Metrics;
        var delivery = _core.Delivery(b => b.Text("thinking", 3));
        var choice = new TaskCompletionSource<RelayAnswer?>();

        _core.Get<TypingIndicator>().ShowWhileSlow(delivery, choice.Task);
        _core.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(_core.Api.CallsTo(Typing));
        _core.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await Eventually.TrueAsync(() => _core.Api.CallsTo(Typing).Count() == 1));
        choice.SetResult(null);
        _core.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await Eventually.TrueAsync(() => _core.Get<MpEventRelay.Delivery.BackgroundDeliveries>().Count == 0));

        Assert.Single(_core.Api.CallsTo(Typing));
        Assert.Equal(1, metrics.Of("mprelay.typing{code=0}"));
    }

    [Fact]
    public async Task Without_an_AppSecret_an_untaken_reply_is_counted_and_nothing_is_sent()
    {
        using var core = new DeliveryCore();
        var metrics = core.Metrics;
        var delivery = core.Delivery(b => b.Text("slow", 6));

        core.Get<LateReplies>().Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "nowhere to go")));

        Assert.True(await Eventually.TrueAsync(() => metrics.Of("mprelay.late.replies{code=0,via=no-app-secret}") == 1));
        Assert.Empty(core.Api.Calls);
    }

    [Fact]
    public async Task On_a_WaitForRetry_route_an_attempt_is_held_until_WeChat_hangs_up_for_a_reply_still_coming()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:2:WaitForRetry", "true"));
        var delivery = core.Delivery(b => b.Text("very slow", 7));
        var options = core.Model.Options;
        var coming = new TaskCompletionSource<RelayAnswer?>();
        var atDeadline = RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = coming.Task };

        var held = core.Get<LateReplies>().ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, core.Time.GetTimestamp(), options, CancellationToken.None).AsTask();
        core.Time.Advance(options.WeChatApi.AttemptTimeout); // longer than the deadline: still held
        Assert.False(held.IsCompleted);
        coming.SetResult(LateAnswer(delivery, "worth the wait"));

        Assert.NotNull(await held.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_first_attempt_is_not_held_for_a_reply_still_coming()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 8));
        var atDeadline = RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = new TaskCompletionSource<RelayAnswer?>().Task };

        var answered = Late.ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, _core.Time.GetTimestamp(), _core.Model.Options, CancellationToken.None);

        Assert.True(answered.IsCompleted); // success now: the deadline was this attempt's
        Assert.Null(await answered);
    }

    private static RelayAnswer LateAnswer(MpEventRelay.Delivery.PushDelivery delivery, string text) =>
        new RelayAnswer(Protocol.Replies.ReplyWriter.Text(delivery.Push.Message, text, 1_800_000_000), PushOutcome.Replied) { LateReply = true };
}
