using System.Text;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Replies;
using MpEventRelay.Trail;
using MpEventRelay.UnitTests.Delivery;

namespace MpEventRelay.UnitTests.Replies;

/// <summary>
/// The edges of late replies: to the millisecond when the API may send (WeChat's retries over, held attempts
/// included), how long a held or duplicate attempt waits when its push started earlier, what the trail says for each
/// way a late reply went, and typing's 30 s window.
/// </summary>
public sealed class LateReplyEdgesTests : IDisposable
{
    private const string Send = "/cgi-bin/message/custom/send";
    private const string Typing = "/cgi-bin/message/custom/typing";
    private const string AppSecret = "an-app-secret-for-the-unit-tier-0";
    private readonly DeliveryCore _core = new(("Relay:Accounts:main:AppSecret", AppSecret));

    public void Dispose() => _core.Dispose();

    private LateReplies Late => _core.Get<LateReplies>();

    [Fact]
    public async Task The_API_sends_when_WeChats_retries_are_over_counted_from_the_push_not_from_the_reply()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 1));
        var options = _core.Model.Options;
        _core.Time.Advance(TimeSpan.FromSeconds(2)); // the reply came 2 s after the push

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "late")));
        _core.Time.Advance(WeChatRetries.End(delivery.Route!, options.WeChatApi) - TimeSpan.FromSeconds(2));

        Assert.True(await Eventually.TrueAsync(() => _core.Api.CallsTo(Send).Any()));
    }

    [Fact]
    public async Task A_sent_reply_is_in_the_trail_as_api()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 14));

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "late")));
        _core.Time.Advance(_core.Model.Options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => _core.Get<BackgroundDeliveries>().Count == 0));
        var trail = Assert.Single(_core.TrailEvents(), e => e.Kind == TrailEventKind.LateReply);
        Assert.Equal((delivery.Key.Id, "api", 0), (trail.TrailId, trail.Detail, trail.Status));
    }

    [Fact]
    public async Task A_refused_send_is_in_the_trail_with_WeChats_code_and_logged_as_not_sent()
    {
        _core.Api.ErrorCode = 45015;
        var delivery = _core.Delivery(b => b.Text("slow", 3));

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "window closed")));
        _core.Time.Advance(_core.Model.Options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => _core.Get<BackgroundDeliveries>().Count == 0));

        var late = Assert.Single(_core.TrailEvents(), e => e.Kind == TrailEventKind.LateReply);
        Assert.Equal(("api-failed", 45015), (late.Detail, late.Status));
        Assert.Contains(Lines(), l => l.Contains("could not be sent: 45015", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines(), l => l.Contains("by the customer-service API", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sent_reply_is_logged_as_sent()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 4));

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "here")));
        _core.Time.Advance(_core.Model.Options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => _core.Get<BackgroundDeliveries>().Count == 0));

        Assert.Contains(Lines(), l => l.Contains("late text reply sent to", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines(), l => l.Contains("could not be sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reply_with_no_customer_service_form_is_counted_in_the_metric_and_trail_and_not_sent()
    {
        var metrics = _core.Metrics;
        var delivery = _core.Delivery(b => b.Text("transfer me", 5));
        var m = delivery.Push.Message;
        var transfer = Encoding.UTF8.GetBytes($"<xml><ToUserName><![CDATA[{m.FromUserName}]]></ToUserName><FromUserName><![CDATA[{m.ToUserName}]]></FromUserName><CreateTime>1800000000</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>");

        Late.Schedule(delivery, Task.FromResult<RelayAnswer?>(new RelayAnswer(transfer, PushOutcome.Replied) { LateReply = true }));
        _core.Time.Advance(_core.Model.Options.WeChatApi.AttemptTimeout + TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => _core.Get<BackgroundDeliveries>().Count == 0));

        Assert.Empty(_core.Api.CallsTo(Send));
        Assert.Equal(1, metrics.Of("mprelay.late.replies{code=0,via=unmappable}"));
        Assert.Equal("unmappable", Assert.Single(_core.TrailEvents(), e => e.Kind == TrailEventKind.LateReply).Detail);
    }

    [Fact]
    public async Task Without_an_AppSecret_the_trail_says_so()
    {
        using var core = new DeliveryCore();
        var delivery = core.Delivery(b => b.Text("slow", 6));

        core.Get<LateReplies>().Schedule(delivery, Task.FromResult<RelayAnswer?>(LateAnswer(delivery, "nowhere")));
        Assert.True(await Eventually.TrueAsync(() => core.Get<BackgroundDeliveries>().Count == 0));

        Assert.Equal("no-app-secret", Assert.Single(core.TrailEvents(), e => e.Kind == TrailEventKind.LateReply).Detail);
    }

    [Fact]
    public async Task A_reply_taken_passively_is_in_the_trail_as_passive()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 7));

        Assert.NotNull(await Late.ForAttemptAsync(delivery.Route, delivery.Key, LateAnswer(delivery, "taken"), _core.Time.GetTimestamp(), _core.Model.Options, CancellationToken.None));

        var late = Assert.Single(_core.TrailEvents(), e => e.Kind == TrailEventKind.LateReply);
        Assert.Equal((delivery.Key.Id, "passive", 0), (late.TrailId, late.Detail, late.Status));
    }

    [Fact]
    public async Task A_retry_of_a_push_that_started_earlier_waits_only_until_the_deadline_counted_from_its_start()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 8));
        var options = _core.Model.Options;
        var started = _core.Time.GetTimestamp();
        _core.Time.Advance(TimeSpan.FromSeconds(1));
        var atDeadline = RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = new TaskCompletionSource<RelayAnswer?>().Task, Duplicate = true };

        var waiting = Late.ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, started, options, CancellationToken.None).AsTask();
        _core.Time.Advance(options.Deadline - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _core.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_held_attempt_waits_until_WeChat_hangs_up_counted_from_its_start()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:2:WaitForRetry", "true"));
        var delivery = core.Delivery(b => b.Text("very slow", 9));
        var options = core.Model.Options;
        var started = core.Time.GetTimestamp();
        core.Time.Advance(TimeSpan.FromSeconds(1));
        var atDeadline = RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = new TaskCompletionSource<RelayAnswer?>().Task };

        var held = core.Get<LateReplies>().ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, started, options, CancellationToken.None).AsTask();
        core.Time.Advance(options.WeChatApi.AttemptTimeout - TimeSpan.FromMilliseconds(1)); // WeChat hangs up at AttemptTimeout; a second of slack
        Assert.False(held.IsCompleted);
        core.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await held.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WeChats_last_attempt_is_not_held()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:2:WaitForRetry", "true"));
        var delivery = core.Delivery(b => b.Text("very slow", 10));
        var options = core.Model.Options;
        var last = RelayAnswer.Success(PushOutcome.DeadlineMissed) with { Late = new TaskCompletionSource<RelayAnswer?>().Task, Attempt = options.WeChatApi.Attempts };

        var answered = core.Get<LateReplies>().ForAttemptAsync(delivery.Route, delivery.Key, last, core.Time.GetTimestamp(), options, CancellationToken.None);

        Assert.True(answered.IsCompleted);
        Assert.Null(await answered);
    }

    [Fact]
    public async Task Typing_repeats_every_15_s_inside_WeChats_30_s_window_and_not_at_its_end()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:15"));
        var delivery = core.Delivery(b => b.Text("thinking", 11));
        var choice = new TaskCompletionSource<RelayAnswer?>();

        core.Get<TypingIndicator>().ShowWhileSlow(delivery, choice.Task);
        core.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await Eventually.TrueAsync(() => core.Api.CallsTo(Typing).Count() == 1));
        core.Time.Advance(TimeSpan.FromSeconds(15)); // 30 s: WeChat no longer accepts typing

        Assert.True(await Eventually.TrueAsync(() => core.Get<BackgroundDeliveries>().Count == 0));
        Assert.Single(core.Api.CallsTo(Typing));
    }

    [Fact]
    public async Task Typing_stops_once_WeChat_refuses_it()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:01"));
        core.Api.ErrorCode = 45047;
        var metrics = core.Metrics;
        var delivery = core.Delivery(b => b.Text("thinking", 12));

        core.Get<TypingIndicator>().ShowWhileSlow(delivery, new TaskCompletionSource<RelayAnswer?>().Task);
        core.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => core.Api.CallsTo(Typing).Count() == 1));
        core.Time.Advance(TimeSpan.FromSeconds(15)); // when the next one would have been due

        Assert.True(await Eventually.TrueAsync(() => core.Get<BackgroundDeliveries>().Count == 0));
        Assert.Single(core.Api.CallsTo(Typing));
        Assert.Equal(1, metrics.Of("mprelay.typing{code=45047}"));
    }

    [Fact]
    public async Task Typing_is_counted_from_the_push_not_from_when_the_replier_was_called()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:02"));
        var delivery = core.Delivery(b => b.Text("thinking", 14));
        core.Time.Advance(TimeSpan.FromSeconds(1));

        core.Get<TypingIndicator>().ShowWhileSlow(delivery, new TaskCompletionSource<RelayAnswer?>().Task);
        core.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => core.Api.CallsTo(Typing).Any()));
    }

    [Fact]
    public async Task Typing_that_was_due_when_the_reply_came_is_not_sent()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:01"));
        var delivery = core.Delivery(b => b.Text("thinking", 13));
        core.Time.Advance(TimeSpan.FromSeconds(2)); // already past TypingAfter when typing starts

        core.Get<TypingIndicator>().ShowWhileSlow(delivery, Task.FromResult<RelayAnswer?>(null));

        Assert.True(await Eventually.TrueAsync(() => core.Get<BackgroundDeliveries>().Count == 0));
        Assert.Empty(core.Api.CallsTo(Typing));
    }

    private List<string> Lines() => _core.Logs.Lines.Where(l => l.Category == typeof(LateReplies).FullName).Select(l => l.Message).ToList();

    private static RelayAnswer LateAnswer(PushDelivery delivery, string text) =>
        new RelayAnswer(ReplyWriter.Text(delivery.Push.Message, text, 1_800_000_000), PushOutcome.Replied) { LateReply = true };
}
