using System.Text;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Outbox;
using MpEventRelay.Relaying;
using MpEventRelay.Replies;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>
/// The deadline, reply choice and the outbox's part in them, with no socket: <see cref="PushRelay"/> as the relay wires
/// it, targets in memory, the clock the test's.
/// </summary>
public sealed class PushRelayTests : IDisposable
{
    private readonly DeliveryCore _core = new();

    // A broken deadline must fail the test, not hang the run.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_reply_in_time_is_the_answer_and_nothing_is_recorded()
    {
        var metrics = _core.Metrics;
        _core.Sender.Answer("bot", push => FakeSender.Reply(push, "hello"));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Text("hi", 1)));

        Assert.Contains("hello", Encoding.UTF8.GetString(answer.ReplyXml!), StringComparison.Ordinal);
        Assert.False(answer.RetryLater);
        Assert.Empty(_core.Store.Items);
        Assert.Equal(1, metrics.Of("mprelay.replies.chosen{account=main,route=everything-else,target=bot}"));
        Assert.Equal(0, metrics.Of("mprelay.deadline.misses{account=main}"));
    }

    [Fact]
    public async Task Every_replier_is_given_the_delivery_timeout_whatever_the_deadline()
    {
        var delivery = _core.Delivery(b => b.Subscribe("both"));
        _core.Time.Advance(TimeSpan.FromSeconds(1)); // the push spent a second before its delivery began

        await _core.Relay.RelayAsync(delivery);

        // The deadline bounds WeChat's answer, not the delivery: a replier past it goes on, to be recorded and settled.
        Assert.Equal(_core.Model.Options.DeliveryTimeout, _core.Sender.Budgets["idaas"]);
        Assert.Equal(_core.Model.Options.DeliveryTimeout, _core.Sender.Budgets["bot"]);
    }

    [Fact]
    public async Task The_answer_is_settled_on_the_thread_that_delivered_the_push_with_no_thread_pool_hop()
    {
        // Queued continuations (the dedup entry's, the timeout's disposal, the background tracking) cost 4 thread-pool
        // work items a push more than YARP under load: 5.4 against 1.4 a request, measured. Inline, the answer is
        // ready the moment the target's answer is.
        _core.Sender.CompletesInline = true;
        _core.Sender.Answer("bot", _ => null);

        var relaying = _core.Relay.RelayAsync(_core.Delivery(b => b.Text("hi", 7)));
        var request = AwaitAsTheRequestDoes(relaying);
        Assert.False(request.IsCompleted);
        // From a pool thread, as a socket completes: xUnit's synchronization context would stop any inlining.
        var settledInline = await Task.Run(() =>
        {
            _core.Sender.Complete("bot", FakeSender.Delivered());
            return request.IsCompletedSuccessfully;
        });

        Assert.True(settledInline);
        Assert.Equal("delivered", (await request).Outcome);
    }

    private static async Task<RelayAnswer> AwaitAsTheRequestDoes(Task<RelayAnswer> answer) => await answer.ConfigureAwait(false);

    [Fact]
    public async Task With_one_replier_delivered_and_another_failed_the_answer_is_delivered_and_the_failure_queued()
    {
        _core.Sender.Answer("idaas", _ => DeliveryResult.Failed("HTTP 503", 503));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Subscribe("login_3")));

        Assert.Equal("delivered", answer.Outcome); // the bot took it, without a reply
        Assert.Equal("idaas", Assert.Single(_core.Store.Items.Values).Item.Target);
    }

    [Fact]
    public async Task At_the_deadline_WeChat_gets_success_and_the_working_replier_is_recorded_then_settled()
    {
        var metrics = _core.Metrics;
        _core.Sender.Answer("bot", _ => null); // still working

        var delivery = _core.Delivery(b => b.Text("slow", 2));
        var relaying = _core.Relay.RelayAsync(delivery);
        Assert.False(relaying.IsCompleted);
        _core.Time.Advance(_core.Model.Options.Deadline);
        var answer = await relaying.WaitAsync(Bound);

        Assert.Equal("deadline-missed", answer.Outcome);
        Assert.Null(answer.ReplyXml);
        Assert.NotNull(answer.Late);
        Assert.Equal(1, metrics.Of("mprelay.deadline.misses{account=main}"));
        var (item, dead) = Assert.Single(_core.Store.Items.Values);
        Assert.Equal(("bot", false), (item.Target, dead));

        _core.Sender.Complete("bot", FakeSender.Reply(delivery.Push, "late"));
        var late = await answer.Late!;
        Assert.True(late!.LateReply);
        Assert.True(await Eventually.TrueAsync(() => _core.Store.Items.IsEmpty)); // delivered: the record is completed
    }

    [Fact]
    public async Task Just_before_the_deadline_less_the_outbox_write_budget_the_reply_still_counts()
    {
        _core.Sender.Answer("bot", _ => null);
        var options = _core.Model.Options;

        var delivery = _core.Delivery(b => b.Text("almost", 3));
        var relaying = _core.Relay.RelayAsync(delivery);
        _core.Time.Advance(options.Deadline - _core.Get<DeliveryOutbox>().WriteBudget(options) - TimeSpan.FromMilliseconds(1));
        _core.Sender.Complete("bot", FakeSender.Reply(delivery.Push, "just in time"));
        var answer = await relaying.WaitAsync(Bound);

        Assert.Contains("just in time", Encoding.UTF8.GetString(answer.ReplyXml!), StringComparison.Ordinal);
        Assert.Empty(_core.Store.Items);
    }

    [Fact]
    public async Task The_choice_ends_at_the_deadline_less_the_outbox_write_budget_so_the_record_fits_in_time()
    {
        _core.Sender.Answer("bot", _ => null);
        var options = _core.Model.Options;

        var delivery = _core.Delivery(b => b.Text("late by a hair", 6));
        var relaying = _core.Relay.RelayAsync(delivery);
        _core.Time.Advance(options.Deadline - _core.Get<DeliveryOutbox>().WriteBudget(options));
        _core.Sender.Complete("bot", FakeSender.Reply(delivery.Push, "a moment too late"));
        var answer = await relaying.WaitAsync(Bound);

        Assert.Equal("deadline-missed", answer.Outcome);
        Assert.Null(answer.ReplyXml);
    }

    [Fact]
    public async Task A_failed_replier_is_recorded_for_a_retry_and_WeChat_gets_success()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 503", 503));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Text("down", 4)));

        Assert.Equal("queued", answer.Outcome);
        var (item, _) = Assert.Single(_core.Store.Items.Values);
        Assert.Equal((1, "HTTP 503"), (item.Attempts, item.LastError));
    }

    [Fact]
    public async Task When_no_store_can_record_a_failure_WeChat_is_told_to_retry()
    {
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 503", 503));
        _core.Store.Failing = true;

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Text("nowhere", 5)));

        Assert.True(answer.RetryLater);
    }

    [Fact]
    public async Task Copies_are_recorded_in_one_write_before_they_are_sent()
    {
        var writes = 0;
        _core.Store.Added += _ => writes++;
        _core.Sender.Answer("idaas", _ => null); // the copy is in flight

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Click("MENU")));

        Assert.False(answer.RetryLater);
        Assert.Equal(1, writes);
        Assert.Equal("idaas", Assert.Single(_core.Store.Items.Values).Item.Target);
        _core.Sender.Complete("idaas", FakeSender.Delivered());
        Assert.True(await Eventually.TrueAsync(() => _core.Store.Items.IsEmpty));
    }

    [Fact]
    public async Task Copies_no_store_can_record_are_sent_now_and_must_all_arrive()
    {
        _core.Store.Failing = true;

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Click("NOT-DURABLE")));

        Assert.False(answer.RetryLater); // the bot replied, the IDaaS's copy was delivered at once
        Assert.Equal(1, _core.Sender.CallsTo("idaas"));
    }

    [Fact]
    public async Task A_copy_neither_recorded_nor_delivered_makes_WeChat_retry()
    {
        _core.Store.Failing = true;
        _core.Sender.Answer("idaas", _ => DeliveryResult.Failed("HTTP 500", 500));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Click("LOST")));

        Assert.True(answer.RetryLater);
        Assert.Contains("idaas not delivered", answer.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_route_is_acknowledged_without_a_delivery()
    {
        var delivery = _core.Delivery(b => b.Text("anything", 9)) with { Route = null };

        var answer = await _core.Relay.RelayAsync(delivery);

        Assert.Equal(("no-route", false), (answer.Outcome, answer.RetryLater));
        Assert.Empty(_core.Sender.Calls);
    }

    [Fact]
    public async Task The_reply_is_the_first_usable_in_the_routes_order_waiting_for_an_earlier_replier()
    {
        _core.Sender.Answer("idaas", _ => null);
        _core.Sender.Answer("bot", push => FakeSender.Reply(push, "welcome from the bot"));

        var relaying = _core.Relay.RelayAsync(_core.Delivery(b => b.Subscribe("login_1")));
        Assert.False(relaying.IsCompleted); // the bot answered, but the IDaaS comes first and is still working
        _core.Sender.Complete("idaas", FakeSender.Delivered("success"));
        var answer = await relaying.WaitAsync(Bound);

        Assert.Contains("welcome from the bot", Encoding.UTF8.GetString(answer.ReplyXml!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_earlier_repliers_reply_wins_over_a_later_one()
    {
        _core.Sender.Answer("idaas", push => FakeSender.Reply(push, "from the IDaaS"));
        _core.Sender.Answer("bot", push => FakeSender.Reply(push, "from the bot"));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Subscribe("login_2")));

        Assert.Contains("from the IDaaS", Encoding.UTF8.GetString(answer.ReplyXml!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_of_copies_only_is_accepted_once_they_are_recorded()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:1:Reply", "false"));

        var answer = await core.Relay.RelayAsync(core.Delivery(b => b.Click("COPIES")));

        Assert.Equal(("accepted", false, null), (answer.Outcome, answer.RetryLater, answer.ReplyXml));
        Assert.True(await Eventually.TrueAsync(() => core.Sender.CallsTo("bot") == 1 && core.Sender.CallsTo("idaas") == 1));
    }

    [Fact]
    public async Task A_route_of_copies_only_that_can_be_neither_recorded_nor_delivered_makes_WeChat_retry_naming_the_copy()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:1:Reply", "false"));
        core.Store.Failing = true;
        core.Sender.Answer("idaas", _ => DeliveryResult.Failed("HTTP 500", 500));

        var answer = await core.Relay.RelayAsync(core.Delivery(b => b.Click("COPIES")));

        Assert.True(answer.RetryLater);
        Assert.Equal("no outbox store could record the delivery; idaas not delivered", answer.Outcome);
    }

    [Fact]
    public async Task Copies_sent_now_have_until_the_deadline_counted_from_the_push()
    {
        _core.Store.Failing = true;
        _core.Sender.Answer("idaas", _ => null);
        var delivery = _core.Delivery(b => b.Click("NOW"));
        _core.Time.Advance(TimeSpan.FromSeconds(1)); // the push spent a second before its delivery began

        var relaying = _core.Relay.RelayAsync(delivery);

        Assert.Equal(_core.Model.Options.Deadline - TimeSpan.FromSeconds(1), _core.Sender.Budgets["idaas"]);
        _core.Sender.Complete("idaas", DeliveryResult.Failed("cancelled"));
        Assert.True((await relaying.WaitAsync(Bound)).RetryLater);
    }

    [Fact]
    public async Task Repliers_neither_delivered_nor_recorded_are_named_in_the_answer()
    {
        _core.Store.Failing = true;
        _core.Sender.Answer("idaas", _ => DeliveryResult.Failed("HTTP 500", 500));
        _core.Sender.Answer("bot", _ => DeliveryResult.Failed("HTTP 502", 502));

        var answer = await _core.Relay.RelayAsync(_core.Delivery(b => b.Subscribe("nowhere")));

        Assert.True(answer.RetryLater);
        Assert.Equal("idaas, bot not delivered in time and no outbox store could record the delivery", answer.Outcome);
    }

    [Fact]
    public async Task A_deadline_on_a_WaitForRetry_route_is_logged_as_held_and_elsewhere_as_missed()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:Routes:2:WaitForRetry", "true"));
        core.Sender.Answer("bot", _ => null);
        core.Sender.Answer("idaas", _ => null);

        var held = core.Relay.RelayAsync(core.Delivery(b => b.Text("slow", 20)));
        var missed = core.Relay.RelayAsync(core.Delivery(b => b.Subscribe("slow")));
        core.Time.Advance(core.Model.Options.Deadline);
        await Task.WhenAll(held, missed).WaitAsync(Bound);

        var lines = core.Logs.Lines.Where(l => l.Category == typeof(PushRelay).FullName).Select(l => l.Message).ToList();
        Assert.Single(lines, l => l.Contains("route everything-else: no reply chosen", StringComparison.Ordinal) && l.Contains("held open", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("route login: no reply chosen", StringComparison.Ordinal) && !l.Contains("held open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slow_replier_on_a_TypingAfter_route_shows_typing_to_the_user()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret), ("Relay:Accounts:main:Routes:2:TypingAfter", "00:00:01"));
        core.Sender.Answer("bot", _ => null);

        var relaying = core.Relay.RelayAsync(core.Delivery(b => b.Text("think", 21)));
        core.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(() => core.Api.CallsTo("/cgi-bin/message/custom/typing").Any()));
        core.Sender.Complete("bot", FakeSender.Delivered());
        await relaying.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_reply_after_the_deadline_is_sent_by_the_API_once_WeChat_can_no_longer_retry()
    {
        using var core = new DeliveryCore(("Relay:Accounts:main:AppSecret", AppSecret));
        core.Sender.Answer("bot", _ => null);
        var delivery = core.Delivery(b => b.Text("slow", 22));

        var answer = core.Relay.RelayAsync(delivery);
        core.Time.Advance(core.Model.Options.Deadline);
        Assert.Equal("deadline-missed", (await answer.WaitAsync(Bound)).Outcome);
        core.Sender.Complete("bot", FakeSender.Reply(delivery.Push, "sorry I am late"));
        core.Time.Advance(WeChatRetries.End(delivery.Route!, core.Model.Options.WeChatApi));

        Assert.True(await Eventually.TrueAsync(() => core.Api.CallsTo("/cgi-bin/message/custom/send").Any(b => b.Contains("sorry I am late", StringComparison.Ordinal))));
    }

    private const string AppSecret = "an-app-secret-for-the-unit-tier-0";
}
