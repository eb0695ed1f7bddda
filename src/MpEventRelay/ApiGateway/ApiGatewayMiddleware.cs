using System.Diagnostics;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.WeChatApi;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// The gateway's step in YARP's proxy pipeline, for its own routes only: answers the token calls, maps the caller's
/// relay-issued token to its client, refuses what the client may not call (nothing reaches WeChat then), and puts the
/// relay's access token on the call (<see cref="ApiGatewayTransforms"/>). When WeChat refuses that token, it is
/// refreshed (once, whoever else saw it fail) and the call made once more: a refused token proves WeChat did nothing.
/// </summary>
internal sealed partial class ApiGatewayMiddleware(
    RequestDelegate next,
    RelayModelProvider models,
    GatewayListener listener,
    AccessTokenSource tokens,
    ClientRateLimits limits,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<ApiGatewayMiddleware> logger)
{
    /// <summary>Request bodies kept so a call can be made again after a token refresh; larger ones (media) are streamed once.</summary>
    internal const int RetryableBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        if (!route.RouteId.StartsWith(ApiGatewayModel.RouteIdPrefix, StringComparison.Ordinal) || models.Current.Gateway is not { } gateway)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!listener.Serves(context, gateway))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // as if the gateway did not exist on this port
            return;
        }

        var started = time.GetTimestamp();
        var path = context.Request.Path.Value!.TrimEnd('/');
        if (ClientTokenEndpoint.Answers(path))
        {
            var (issuedTo, code) = await ClientTokenEndpoint.AnswerAsync(context, gateway, time.GetUtcNow()).ConfigureAwait(false);
            var client = issuedTo?.Name ?? "unknown";
            metrics.GatewayCall(client, path, code, answeredByRelay: true);
            if (issuedTo is not null)
            {
                metrics.GatewayTokenIssued(client);
                LogTokenIssued(client, path);
            }
            else
            {
                LogTokenRefused(path, code);
            }

            return;
        }

        var accessTokens = context.Request.Query["access_token"];
        var (caller, errorCode, reason) = accessTokens.Count > 1
            ? (null, 40001, "more than one access_token")
            : ClientTokens.Read(accessTokens.ToString(), gateway, time.GetUtcNow());
        if (caller is null)
        {
            await RefuseAsync(context, "unknown", path, errorCode, reason).ConfigureAwait(false);
            return;
        }

        if (!caller.MayCall(path))
        {
            await RefuseAsync(context, caller.Name, path, 48001, $"api unauthorized (client '{caller.Name}' may not call {path}; see Relay:ApiGateway:Clients:{caller.Name}:Apis)").ConfigureAwait(false);
            return;
        }

        if (!limits.TryAcquire(caller))
        {
            await RefuseAsync(context, caller.Name, path, 45011, $"api minute-quota reach limit (client '{caller.Name}': {caller.PermitsPerMinute} calls a minute)").ConfigureAwait(false);
            return;
        }

        var (accessToken, failure) = await tokens.GetAsync(caller.Account, refused: null, context.RequestAborted).ConfigureAwait(false);
        if (accessToken is null)
        {
            await RefuseAsync(context, caller.Name, path, failure!.Transient ? -1 : failure.ErrorCode, $"the relay has no access token for {caller.Account.AppId}: {WeChatErrors.Meaning(failure.ErrorCode)}").ConfigureAwait(false);
            return;
        }

        // Kept in memory up to 64 KB (a chunked body of unknown length too, on disk beyond that, within Kestrel's
        // request size limit); a larger declared body (a media upload) is streamed once and not made again.
        var retryable = context.Request.ContentLength is null or <= RetryableBodyBytes;
        if (retryable)
        {
            context.Request.EnableBuffering(RetryableBodyBytes);
        }

        var call = new GatewayCall(caller, path, accessToken, retryable);
        context.Features.Set(call);
        Activity.Current?.SetTag("mprelay.gateway.client", caller.Name).SetTag("mprelay.gateway.api", path);
        await next(context).ConfigureAwait(false);

        if (call.RetryWanted)
        {
            // Only the token that failed is replaced: twenty calls failing with it make one refresh, on any replica.
            (accessToken, failure) = await tokens.GetAsync(caller.Account, refused: call.AccessToken, context.RequestAborted).ConfigureAwait(false);
            if (accessToken is null)
            {
                await RefuseAsync(context, caller.Name, path, failure!.Transient ? -1 : failure.ErrorCode, $"WeChat refused the relay's access token and no new one came: {WeChatErrors.Meaning(failure.ErrorCode)}").ConfigureAwait(false);
                return;
            }

            call.AccessToken = accessToken;
            call.Attempt = 2;
            call.RetryWanted = false;
            context.Request.Body.Position = 0;
            context.Response.Headers.Clear();
            context.Response.StatusCode = StatusCodes.Status200OK;
            await next(context).ConfigureAwait(false);
        }
        else if (call.ErrorCode is { } code && ApiAnswer.IsTokenRefusal(code))
        {
            // Refused, and the call could not be made again (a large body): the next call gets a fresh token.
            await tokens.GetAsync(caller.Account, refused: call.AccessToken, context.RequestAborted).ConfigureAwait(false);
        }

        var answer = call.ErrorCode ?? (context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>() is null ? 0 : ApiAnswer.Unreachable);
        metrics.GatewayCall(caller.Name, path, answer, answeredByRelay: false);
        LogCalled(caller.Name, context.Request.Method, path, answer, WeChatErrors.Meaning(answer), call.Attempt, time.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task RefuseAsync(HttpContext context, string client, string path, int errorCode, string reason)
    {
        await WeChatErrorAnswer.WriteAsync(context, errorCode, reason).ConfigureAwait(false);
        var known = models.Current.Gateway?.Clients.TryGetValue(client, out var c) == true && c.MayCall(path);
        metrics.GatewayCall(client, known ? path : "other", errorCode, answeredByRelay: true);
        LogRefused(client, context.Request.Method, path, errorCode, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API gateway: {Client} {Method} {Api} → WeChat {ErrorCode} ({Meaning}), attempt {Attempt}, {Elapsed:0.0} ms")]
    private partial void LogCalled(string client, string method, string api, int errorCode, string meaning, int attempt, double elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API gateway: refused {Client} {Method} {Api}: {ErrorCode} {Reason}; nothing was sent to WeChat")]
    private partial void LogRefused(string client, string method, string api, int errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "API gateway: token issued to {Client} ({Api})")]
    private partial void LogTokenIssued(string client, string api);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API gateway: token refused ({Api}): {ErrorCode}")]
    private partial void LogTokenRefused(string api, int errorCode);
}
