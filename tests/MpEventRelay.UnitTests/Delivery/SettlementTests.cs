using Microsoft.Extensions.Logging;
using MpEventRelay.Delivery;
using MpEventRelay.Outbox;
using MpEventRelay.Trail;

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
        Assert.Equal(_core.Model.Options.DeliveryTimeout, _core.Sender.Budgets["bot"]); // the sender's one bound on every attempt
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

    [Fact]
    public async Task A_delivery_on_the_request_path_says_so_to_the_sender()
    {
        var record = await RecordAsync();

        await _core.Get<Settlement>().SendAndSettleAsync(record, Bot, Push, _core.Model.Options);

        Assert.Equal(("bot", "request"), Assert.Single(_core.Sender.Calls));
    }

    [Fact]
    public async Task A_retry_that_delivers_is_logged_with_its_attempts_and_a_first_try_that_delivers_is_not()
    {
        await _core.Get<Settlement>().SendAndSettleAsync(await RecordAsync(), Bot, Push, _core.Model.Options);
        Assert.DoesNotContain(SettlementLines(), l => l.Message.Contains("Outbox: delivered", StringComparison.Ordinal));

        await _core.Get<Settlement>().SendAndSettleAsync(await RecordAsync(attempts: 2), Bot, Push, _core.Model.Options, fromOutbox: true);

        var line = Assert.Single(SettlementLines(), l => l.Message.Contains("Outbox: delivered", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Information, "Outbox: delivered to bot (account main, route everything-else) after 3 attempt(s)"), line);
    }

    [Fact]
    public async Task A_first_failure_is_a_warning_and_a_failed_retry_only_a_debug_line()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 502", 502));

        await _core.Get<Settlement>().SendAndSettleAsync(await RecordAsync(), Bot, Push, _core.Model.Options);
        await _core.Get<Settlement>().SendAndSettleAsync(await RecordAsync(attempts: 1), Bot, Push, _core.Model.Options, fromOutbox: true);

        Assert.Equal(
            [
                (LogLevel.Warning, "Account main route everything-else: delivery to target bot failed: HTTP 502; kept in the outbox"),
                (LogLevel.Debug, "Account main route everything-else: retry 2 to target bot failed: HTTP 502"),
            ],
            SettlementLines());
    }

    [Fact]
    public async Task A_dead_letter_is_in_the_trail_with_its_attempts_and_reason_and_a_reschedule_is_not()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 502", 502));
        var options = _core.Model.Options;
        await _core.Get<Settlement>().SendAndSettleAsync(await RecordAsync(attempts: 4), Bot, Push, options);
        Assert.DoesNotContain(_core.TrailEvents(), e => e.Kind == TrailEventKind.DeadLetter);

        var expiring = await RecordAsync(attempts: 4);
        _core.Time.Advance(options.Outbox.Expiry);
        await _core.Get<Settlement>().SendAndSettleAsync(expiring, Bot, Push, options);

        var dead = Assert.Single(_core.TrailEvents(), e => e.Kind == TrailEventKind.DeadLetter);
        Assert.Equal((_delivery.Key.Id, "bot", 5, "HTTP 502"), (dead.TrailId, dead.Target, dead.Attempt, dead.Error));
    }

    [Fact]
    public async Task A_failure_without_a_reason_is_kept_as_failed()
    {
        _core.Sender.Answer("bot", _ => new DeliveryResult(false, 0, [], null));
        var record = await RecordAsync();

        await _core.Get<Settlement>().SendAndSettleAsync(record, Bot, Push, _core.Model.Options);

        Assert.Equal("failed", Assert.Single(_core.Store.Items.Values).Item.LastError);
    }

    private List<(LogLevel Level, string Message)> SettlementLines() =>
        _core.Logs.Lines.Where(l => l.Category == typeof(Settlement).FullName).Select(l => (l.Level, l.Message)).ToList();

    private Model.TargetModel Bot => _core.Model.AccountsByName["main"].Targets["bot"];

    private Protocol.Messages.InboundPush Push => _delivery.Push;

    private readonly PushDelivery _delivery;

    public SettlementTests() => _delivery = _core.Delivery(b => b.Text("to settle", 7));

    private async Task<OutboxRecord> RecordAsync(int attempts = 0)
    {
        var outbox = _core.Get<DeliveryOutbox>();
        var options = _core.Model.Options;
        var item = outbox.NewItem(_delivery.Account, _delivery.Route!, Bot, Push, _delivery.Key.Value, options.Outbox.Lease, options, attempts);
        var (records, refusal) = await outbox.TryAddAsync([item], options);
        Assert.Null(refusal);
        return Assert.Single(records!);
    }
}
