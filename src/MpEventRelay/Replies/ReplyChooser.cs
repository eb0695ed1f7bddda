using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Observability;

namespace MpEventRelay.Replies;

/// <summary>
/// Picks WeChat's passive reply among a route's repliers: the first usable, non-empty reply in the route's order. A
/// later replier's reply is used only once every earlier one answered empty or <c>success</c>, failed, or was refused;
/// while an earlier one is still working, the choice waits for it.
/// </summary>
internal sealed class ReplyChooser(ReplyTranslator translator, RelayMetrics metrics)
{
    /// <summary>The chosen reply, or null when no replier has one. Never throws.</summary>
    public async Task<RelayAnswer?> FirstUsableAsync(PushDelivery delivery, IReadOnlyList<Replier> repliers)
    {
        foreach (var replier in repliers)
        {
            var result = await replier.Result.ConfigureAwait(false);
            if (!result.Delivered)
            {
                continue;
            }

            var answer = translator.Translate(delivery, replier.Target, result.Body);
            if (answer.ReplyXml is not null)
            {
                metrics.ReplyChosen(delivery.Account.Name, delivery.Route!.Name, replier.Target.Name);
                return answer;
            }
        }

        return null;
    }
}
