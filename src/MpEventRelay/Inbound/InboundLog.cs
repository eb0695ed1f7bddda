using MpEventRelay.Dedup;
using MpEventRelay.Logging;
using MpEventRelay.Model;
using Serilog;

namespace MpEventRelay.Inbound;

/// <summary>
/// What the inbound steps tell the operator: the request log line's account, route, targets and outcome (one
/// property, set once per answer: each Set takes a lock), the masked OpenID, and the warning for a refused request.
/// </summary>
/// <param name="diagnostics">The request log line's properties.</param>
/// <param name="logger">This class's own log lines.</param>
/// <param name="serilog">The host's Serilog logger (the request log's); Serilog's static one when none is registered.</param>
internal sealed partial class InboundLog(IDiagnosticContext diagnostics, ILogger<InboundLog> logger, Serilog.ILogger? serilog = null)
{
    private readonly Serilog.ILogger _requestLog = (serilog ?? Log.Logger).ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Serilog.AspNetCore.RequestLoggingMiddleware");

    public void Outcome(AccountModel account, RouteModel? route, string outcome)
    {
        if (RequestLogOn)
        {
            diagnostics.Set("Relay", new RelayLogContext(account.Name, route?.Name ?? "-", route?.TargetNames ?? "-", outcome).ToString());
        }
    }

    public void OpenId(string openId)
    {
        if (RequestLogOn)
        {
            diagnostics.Set("OpenId", OpenIdMask.Mask(openId));
        }
    }

    // The request line is written at Information (Error for a 5xx, whose reason the relay logs on its own line with the
    // account and route): below that level nothing would read these properties, and building them is per push.
    private bool RequestLogOn => _requestLog.IsEnabled(Serilog.Events.LogEventLevel.Information);

    /// <summary>Answers <paramref name="rejection"/> (its status and one-line reason) and logs it without secrets.</summary>
    public Task RejectAsync(HttpContext context, AccountModel account, Rejection rejection)
    {
        Outcome(account, null, PushOutcome.Rejected);
        LogRejected(account.Name, context.Connection.RemoteIpAddress?.ToString() ?? "-", rejection.StatusCode, rejection.Reason);
        return rejection.WriteAsync(context.Response);
    }

    public void NotAccepted(AccountModel account, RouteModel? route, string reason) => LogNotAccepted(account.Name, route?.Name, reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account}: refused a request from {RemoteAddress} with {StatusCode}: {Reason}")]
    private partial void LogRejected(string account, string remoteAddress, int statusCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account} route {Route}: answered 503 so WeChat retries: {Reason}")]
    private partial void LogNotAccepted(string account, string? route, string reason);
}
