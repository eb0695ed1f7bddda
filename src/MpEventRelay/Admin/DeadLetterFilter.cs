using MpEventRelay.Model;
using MpEventRelay.Outbox;

namespace MpEventRelay.Admin;

/// <summary>
/// The admin API's dead-letter filters as a <see cref="DeadLetterQuery"/>. Names are matched as configured, whatever
/// their case (the stores compare exactly); a name no longer configured is used as given.
/// </summary>
internal static class DeadLetterFilter
{
    public static DeadLetterQuery Query(RelayModel model, string? account, string? target, string? route, string? trailId, DateTimeOffset? since, DateTimeOffset? until)
    {
        var accountName = account is null ? null : model.AccountsByName.Keys.FirstOrDefault(a => string.Equals(a, account, StringComparison.OrdinalIgnoreCase)) ?? account;
        var targetName = target is null ? null : model.AccountsByName.Values.SelectMany(a => a.Targets.Keys).FirstOrDefault(t => string.Equals(t, target, StringComparison.OrdinalIgnoreCase)) ?? target;
        return new DeadLetterQuery
        {
            Account = accountName,
            Target = targetName,
            Route = route,
            TrailId = trailId,
            SinceMs = since?.ToUnixTimeMilliseconds() ?? long.MinValue,
            UntilMs = until?.ToUnixTimeMilliseconds() ?? long.MaxValue,
        };
    }
}
