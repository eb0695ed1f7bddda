using MpEventRelay.Configuration;
using MpEventRelay.Model;

namespace MpEventRelay.Replies;

/// <summary>
/// WeChat's retry timing as late replies depend on it, counted from the push's first attempt: WeChat hangs up on an
/// attempt after <see cref="WeChatApiOptions.AttemptTimeout"/> and tries <see cref="WeChatApiOptions.Attempts"/>
/// times in all. Each bound has a second of slack, for the network and WeChat's own clock.
/// </summary>
internal static class WeChatRetries
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>On a <see cref="RouteModel.WaitForRetry"/> route every attempt but WeChat's last is held open.</summary>
    public static bool Holds(RouteModel? route, int attempt, WeChatApiOptions options) =>
        route?.WaitForRetry == true && attempt < options.Attempts;

    /// <summary>How long a held attempt stays open: until WeChat hangs up on it.</summary>
    public static TimeSpan HeldFor(WeChatApiOptions options) => options.AttemptTimeout + Slack;

    /// <summary>
    /// When WeChat can no longer retry, so no retry can take a late reply: after the first attempt, or after all of
    /// them on a route that holds attempts open (each then lasts until WeChat hangs up).
    /// </summary>
    public static TimeSpan End(RouteModel route, WeChatApiOptions options) =>
        (options.AttemptTimeout * (route.WaitForRetry ? options.Attempts : 1)) + Slack;
}
