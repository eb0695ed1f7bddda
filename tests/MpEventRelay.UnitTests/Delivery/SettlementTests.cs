using MpEventRelay.Delivery;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>"Send, then settle the record": delivered completes it, a failure reschedules it with backoff, past its expiry it is a dead letter.</summary>
public sealed class SettlementTests : IDisposable
{
    private readonly DeliveryCore _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_delivered_record_is_completed()
    {
        var record = await RecordAsync();

        var result = await _core.Get<Settlement>().SendAndSettleAsync(record, Bot, Push, _core.Model.Options, fromOutbox: true);

        Assert.True(result.Delivered);
        Assert.Empty(_core.Store.Items);
        Assert.Equal(("bot", "outbox"), Assert.Single(_core.Sender.Calls));
    }

    [Fact]
    public async Task A_failed_record_is_rescheduled_after_its_backoff_with_the_reason()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 502", 502));
        var record = await RecordAsync();
        var options = _core.Model.Options;

        await _core.Get<Settlement>().SendAndSettleAsync(record, Bot, Push, options);

        var (item, dead) = Assert.Single(_core.Store.Items.Values);
        Assert.False(dead);
        Assert.Equal((1, "HTTP 502"), (item.Attempts, item.LastError));
        var delay = item.NextAttemptAtMs - _core.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.InRange(delay, options.Outbox.RetryBaseDelay.TotalMilliseconds * 0.8, options.Outbox.RetryBaseDelay.TotalMilliseconds * 1.2); // the first backoff, ±20 % jitter
    }

    [Fact]
    public async Task A_record_that_fails_past_its_expiry_becomes_a_dead_letter()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 502", 502));
        var record = await RecordAsync();
        var options = _core.Model.Options;
        _core.Time.Advance(options.Outbox.Expiry);

        await _core.Get<Settlement>().SendAndSettleAsync(record, Bot, Push, options);

        var (item, dead) = Assert.Single(_core.Store.Items.Values);
        Assert.True(dead);
        Assert.Equal("HTTP 502", item.LastError);
    }

    [Fact]
    public async Task A_delivery_already_running_settles_its_record_when_it_ends()
    {
        var record = await RecordAsync();
        var running = new TaskCompletionSource<DeliveryResult>();

        var settling = _core.Get<Settlement>().SettleWhenDoneAsync(record, running.Task, _core.Model.Options);
        Assert.Single(_core.Store.Items); // not before the delivery ends
        running.SetResult(FakeSender.Delivered());
        await settling.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_core.Store.Items);
    }

    private Model.TargetModel Bot => _core.Model.AccountsByName["main"].Targets["bot"];

    private Protocol.Messages.InboundPush Push => _delivery.Push;

    private readonly PushDelivery _delivery;

    public SettlementTests() => _delivery = _core.Delivery(b => b.Text("to settle", 7));

    private async Task<OutboxRecord> RecordAsync()
    {
        var outbox = _core.Get<DeliveryOutbox>();
        var options = _core.Model.Options;
        var item = outbox.NewItem(_delivery.Account, _delivery.Route!, Bot, Push, _delivery.Key.Value, options.Outbox.Lease, options);
        var (records, refusal) = await outbox.TryAddAsync([item], options);
        Assert.Null(refusal);
        return Assert.Single(records!);
    }
}
