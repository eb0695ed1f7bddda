using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using MpEventRelay.Configuration.Loading;

namespace MpEventRelay.Admin;

/// <summary>
/// Admin endpoints need <c>X-Admin-Key</c> equal to <c>Relay:Admin:Key</c>; without a configured key they do not exist
/// (404). The right key is always served. Wrong keys are logged with the source address and limited, per address
/// (10 a minute: the client's own when <c>Relay:Management:TrustedProxies</c> names the proxy in front) and in all
/// (100 a minute, whatever the addresses): past either, a wrong key gets 429 until the minute ends, so guessing costs
/// the guesser while the operator who holds the key keeps working.
/// </summary>
internal sealed partial class AdminKeyFilter(RelayModelProvider models, ILogger<AdminKeyFilter> logger) : IEndpointFilter, IDisposable
{
    public const string Header = "X-Admin-Key";
    public const int FailuresPerMinute = 10;
    public const int FailuresPerMinuteInAll = 100;

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => PerMinute(FailuresPerMinute))),
        PartitionedRateLimiter.Create<string, string>(_ => RateLimitPartition.GetFixedWindowLimiter("all", _ => PerMinute(FailuresPerMinuteInAll))));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = models.Current.Options.Admin.Key;
        if (string.IsNullOrEmpty(expected))
        {
            return Results.NotFound();
        }

        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return await next(context).ConfigureAwait(false);
        }

        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "-";
        using var lease = _failures.AttemptAcquire(address);
        LogWrongKey(address, context.HttpContext.Request.Path);
        return lease.IsAcquired
            ? Results.Text("X-Admin-Key is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized)
            : Results.Text("Too many wrong admin keys; wait a minute (the right key is still served).", statusCode: StatusCodes.Status429TooManyRequests);
    }

    public void Dispose() => _failures.Dispose();

    private static FixedWindowRateLimiterOptions PerMinute(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: a missing or wrong X-Admin-Key from {RemoteAddress} on {Path}")]
    private partial void LogWrongKey(string remoteAddress, string path);
}
