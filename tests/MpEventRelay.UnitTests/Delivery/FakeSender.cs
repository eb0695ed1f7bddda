using System.Collections.Concurrent;
using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;
using MpEventRelay.Protocol.Replies;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>
/// The targets, played in memory: each delivery is recorded and answered by what the test set for its target
/// (by default at once with 200 and an empty body); a pending answer is a <see cref="TaskCompletionSource{T}"/> the
/// test completes when it wants, so "still working at the deadline" needs no clock at all.
/// </summary>
internal sealed class FakeSender : ITargetSender
{
    private readonly ConcurrentDictionary<string, Func<InboundPush, DeliveryResult?>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<DeliveryResult>> _pending = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Target, string Source)> Calls { get; } = new();

    /// <summary>The target answers <paramref name="result"/> at once, or stays pending when it is null.</summary>
    public void Answer(string target, Func<InboundPush, DeliveryResult?> result) => _answers[target] = result;

    /// <summary>Completes the pending delivery to <paramref name="target"/>.</summary>
    public void Complete(string target, DeliveryResult result) => _pending[target].SetResult(result);

    /// <summary>The time budget each target's last delivery was given.</summary>
    public ConcurrentDictionary<string, TimeSpan> Budgets { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes pending deliveries on the completing thread, running what awaits them inline, as a socket's
    /// completion does; by default their continuations are queued, so a test never runs the relay on its own stack.
    /// </summary>
    public bool CompletesInline { get; set; }

    public int CallsTo(string target) => Calls.Count(c => c.Target == target);

    public Task<DeliveryResult> SendAsync(TargetModel target, InboundPush push, PushKey key, RelayOptions options, TimeSpan within, string source = "request")
    {
        Calls.Enqueue((target.Name, source));
        Budgets[target.Name] = within;
        if ((_answers.TryGetValue(target.Name, out var answer) ? answer(push) : Delivered()) is { } now)
        {
            return Task.FromResult(now);
        }

        var pending = new TaskCompletionSource<DeliveryResult>(CompletesInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[target.Name] = pending;
        return pending.Task;
    }

    public static DeliveryResult Delivered(string body = "") => new(true, 200, System.Text.Encoding.UTF8.GetBytes(body), null);

    /// <summary>A 200 carrying a text reply to the push's user, as a bot writes it.</summary>
    public static DeliveryResult Reply(InboundPush push, string text) => new(true, 200, ReplyWriter.Text(push.Message, text, 1_800_000_000), null);
}
