using MpEventRelay.Model;
using MpEventRelay.WeChatApi;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace MpEventRelay.ApiGateway;

/// <summary>
/// The gateway routes' transforms: the relay's access token replaces the client's in the query, and WeChat's answer
/// goes back as it came, except that a JSON answer is read (for its errcode) and, when WeChat refused the token and
/// the call can be made again, held back for <see cref="ApiGatewayMiddleware"/> to retry.
/// </summary>
internal sealed class ApiGatewayTransforms : ITransformProvider
{
    /// <summary>JSON answers up to this size are read for their errcode; anything larger or not JSON streams through.</summary>
    private const int ReadableAnswerBytes = 64 * 1024;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.RouteId.StartsWith(ApiGatewayModel.RouteIdPrefix, StringComparison.Ordinal))
        {
            context.AddRequestTransform(PutRelayToken);
            context.AddResponseTransform(ReadAnswerAsync);
        }
    }

    private static ValueTask PutRelayToken(RequestTransformContext context)
    {
        if (context.HttpContext.Features.Get<GatewayCall>() is { } call)
        {
            context.Query.Collection["access_token"] = call.AccessToken;
        }

        return ValueTask.CompletedTask;
    }

    private static async ValueTask ReadAnswerAsync(ResponseTransformContext context)
    {
        if (context.HttpContext.Features.Get<GatewayCall>() is not { } call || context.ProxyResponse is not { } response || !IsJson(response))
        {
            return;
        }

        // Read up to the limit (WeChat does not always send a Content-Length); a larger answer is passed on as it is.
        context.SuppressResponseBody = true;
        var client = context.HttpContext.Response;
        await using var stream = await response.Content.ReadAsStreamAsync(context.CancellationToken).ConfigureAwait(false);
        var buffer = new byte[ReadableAnswerBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), context.CancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > ReadableAnswerBytes)
        {
            await client.Body.WriteAsync(buffer.AsMemory(0, length), context.CancellationToken).ConfigureAwait(false);
            await stream.CopyToAsync(client.Body, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        call.ErrorCode = ApiAnswer.ErrorCodeOf(buffer.AsSpan(0, length));
        if (call.ErrorCode is { } code && ApiAnswer.IsTokenRefusal(code) && call.Retryable && call.Attempt == 1)
        {
            call.RetryWanted = true; // nothing written: the middleware makes the call again with a new token
            return;
        }

        client.ContentLength = length;
        await client.Body.WriteAsync(buffer.AsMemory(0, length), context.CancellationToken).ConfigureAwait(false);
    }

    private static bool IsJson(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is "application/json" or "text/plain" or "text/json";
}
