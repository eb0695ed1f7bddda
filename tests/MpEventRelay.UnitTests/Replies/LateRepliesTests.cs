using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Protocol.Replies;
using MpEventRelay.Replies;
using MpEventRelay.UnitTests.Delivery;

namespace MpEventRelay.UnitTests.Replies;

/// <summary>A reply chosen after WeChat's answer reaches the user once: the first WeChat attempt to claim it, or the API.</summary>
public sealed class LateRepliesTests : IDisposable
{
    private readonly DeliveryCore _core = new();

    public void Dispose() => _core.Dispose();

    private LateReplies Late => _core.Get<LateReplies>();

    [Fact]
    public async Task A_late_reply_goes_to_the_first_attempt_that_claims_it_and_to_no_other()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 1));
        var late = LateAnswer(delivery, "the late reply");
        var options = _core.Model.Options;

        var first = await Late.ForAttemptAsync(delivery.Route, delivery.Key, late, _core.Time.GetTimestamp(), options, CancellationToken.None);
        var second = await Late.ForAttemptAsync(delivery.Route, delivery.Key, late, _core.Time.GetTimestamp(), options, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task A_reply_the_API_claimed_is_not_written_to_a_retry()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 2));
        Assert.True(await _core.Get<IReplyClaims>().TryClaimAsync(delivery.Key.Value)); // as the API does before sending

        var reply = await Late.ForAttemptAsync(delivery.Route, delivery.Key, LateAnswer(delivery, "too late"), _core.Time.GetTimestamp(), _core.Model.Options, CancellationToken.None);

        Assert.Null(reply);
    }

    [Fact]
    public async Task A_retry_waits_for_a_reply_still_coming_until_its_own_deadline()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 3));
        var options = _core.Model.Options;
        var coming = new TaskCompletionSource<RelayAnswer?>();
        var atDeadline = RelayAnswer.Success("deadline-missed") with { Late = coming.Task, Duplicate = true };

        var waiting = Late.ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, _core.Time.GetTimestamp(), options, CancellationToken.None).AsTask();
        _core.Time.Advance(options.Deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        coming.SetResult(LateAnswer(delivery, "made it"));

        Assert.NotNull(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_retry_whose_deadline_passes_first_answers_success_and_leaves_the_reply()
    {
        var delivery = _core.Delivery(b => b.Text("slow", 4));
        var options = _core.Model.Options;
        var coming = new TaskCompletionSource<RelayAnswer?>();
        var atDeadline = RelayAnswer.Success("deadline-missed") with { Late = coming.Task, Duplicate = true };

        var waiting = Late.ForAttemptAsync(delivery.Route, delivery.Key, atDeadline, _core.Time.GetTimestamp(), options, CancellationToken.None).AsTask();
        _core.Time.Advance(options.Deadline);

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await _core.Get<IReplyClaims>().TryClaimAsync(delivery.Key.Value)); // still there for the API
    }

    private static RelayAnswer LateAnswer(PushDelivery delivery, string text) =>
        new RelayAnswer(ReplyWriter.Text(delivery.Push.Message, text, 1_800_000_000), "replied") { LateReply = true };
}
