using MpEventRelay.Configuration;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Model;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Replies;

/// <summary>
/// Picks WeChat's passive reply among a route's repliers: the first usable, non-empty reply in the route's order. A
/// later replier's reply is used only once every earlier one answered empty or <c>success</c>, failed, or was refused;
/// while an earlier one is still working, the choice waits for it.
/// </summary>
internal sealed class ReplyChooser(ReplyTranslator translator, Observability.RelayMetrics metrics)
{
    /// <summary>The chosen reply, or null when no replier has one. Never throws.</summary>
    public async Task<RelayAnswer?> FirstUsableAsync(AccountModel account, RouteModel route, PushMessage message, IReadOnlyList<Replier> repliers, RelayOptions options)
    {
        foreach (var replier in repliers)
        {
            var result = await replier.Result.ConfigureAwait(false);
            if (!result.Delivered)
            {
                continue;
            }

            var answer = translator.Translate(replier.Target, message, result.Body, options);
            if (answer.ReplyXml is not null)
            {
                metrics.ReplyChosen(account.Name, route.Name, replier.Target.Name);
                return answer;
            }
        }

        return null;
    }
}
