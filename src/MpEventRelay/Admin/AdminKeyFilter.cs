using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using MpEventRelay.Configuration;

namespace MpEventRelay.Admin;

/// <summary>
/// Admin endpoints need <c>X-Admin-Key</c> equal to <c>Relay:Admin:Key</c>; without a configured key they do not exist
/// (404). Wrong keys are logged with the source address and limited per address (10 a minute, then 429 until the
/// minute ends), so guessing costs the guesser, not the relay.
/// </summary>
internal sealed partial class AdminKeyFilter(RelayModelProvider models, ILogger<AdminKeyFilter> logger) : IEndpointFilter, IDisposable
{
    public const string Header = "X-Admin-Key";
    public const int FailuresPerMinute = 10;

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = models.Current.Options.Admin.Key;
        if (string.IsNullOrEmpty(expected))
        {
            return Results.NotFound();
        }

        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "-";
        if (_failures.GetStatistics(address)?.CurrentAvailablePermits == 0)
        {
            return Results.Text("Too many wrong admin keys from this address; wait a minute.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            return await next(context).ConfigureAwait(false);
        }

        using var lease = _failures.AttemptAcquire(address);
        LogWrongKey(address, context.HttpContext.Request.Path);
        return lease.IsAcquired
            ? Results.Text("X-Admin-Key is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized)
            : Results.Text("Too many wrong admin keys from this address; wait a minute.", statusCode: StatusCodes.Status429TooManyRequests);
    }

    public void Dispose() => _failures.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: a missing or wrong X-Admin-Key from {RemoteAddress} on {Path}")]
    private partial void LogWrongKey(string remoteAddress, string path);
}
