using MpEventRelay.Configuration;
using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Delivery;
using MpEventRelay.Model;
using MpEventRelay.Observability;
using MpEventRelay.Relaying;

namespace MpEventRelay.Inbound;

/// <summary>
/// The developer-server endpoint of every configured account, as steps: <see cref="PushIntake"/> (body, decode,
/// checks), the route and the key, the delivery (<see cref="PushRelay"/>, which owns the deadline), and
/// <see cref="WeChatAnswer"/> (the reply). A middleware rather than mapped endpoints because accounts come and go with
/// a configuration reload; paths that are not an account's fall through to YARP's routes.
/// </summary>
internal sealed class WeChatAccountMiddleware(
    RequestDelegate next,
    RelayModelProvider models,
    UrlVerifier verifier,
    PushIntake intake,
    PushRelay relay,
    WeChatAnswer answers,
    InboundLog log,
    RelayMetrics metrics,
    TimeProvider time)
{
    // Not async itself: each branch's task is the answer (a state machine a push less).
    public Task InvokeAsync(HttpContext context)
    {
        var model = models.Current;
        var account = model.FindAccount(context.Request.Path.Value ?? "/");
        if (account is null)
        {
            return next(context);
        }

        // Every answer on an account path is text or XML for WeChat, never something a browser should sniff.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (HttpMethods.IsPost(context.Request.Method))
        {
            return HandlePushAsync(context, account, model);
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            return verifier.VerifyAsync(context, account, model.Options);
        }

        context.Response.Headers.Allow = "GET, POST";
        return new Rejection(StatusCodes.Status405MethodNotAllowed, "Only GET (URL verification) and POST (pushes) are served.").WriteAsync(context.Response);
    }

    private async Task HandlePushAsync(HttpContext context, AccountModel account, RelayModel model)
    {
        using var activity = RelayTracing.Source.StartActivity("mprelay.push");
        activity?.SetTag("mprelay.account", account.Name);
        var started = time.GetTimestamp();
        var options = model.Options;
        var (intaken, refused) = await intake.TakeAsync(context, account, options).ConfigureAwait(false);
        if (intaken is null)
        {
            await log.RejectAsync(context, account, refused!).ConfigureAwait(false);
            return;
        }

        var message = intaken.Push.Message;
        RouteModel? route;
        using (var routing = RelayTracing.Source.StartActivity("mprelay.route"))
        {
            route = account.Route(message);
            routing?.SetTag("mprelay.route", route?.Name);
            routing?.SetTag("mprelay.kind", message.IsEvent ? "event/" + message.Event : message.MsgType);
        }

        var key = new PushKey(DedupKey.For(account.DedupHashKey, account.AppId, message));
        var answerTask = relay.RelayAsync(new PushDelivery(model, account, route, intaken.Push, key, started, intaken.RememberFor));
        RelayAnswer answer;
        try
        {
            // The delivery owns the deadline and answers by it; this bound only guards against a bug there.
            answer = await answerTask.WaitAsync(SafetyBound(options, started), time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            metrics.DeadlineMissed(account.Name);
            answer = RelayAnswer.Retry("the delivery did not settle in time");
        }
        catch (OperationCanceledException)
        {
            return; // WeChat hung up; the delivery goes on and a retry will get its answer.
        }

        await answers.WriteAsync(context, account, route, intaken, key, answer, started, options).ConfigureAwait(false);
    }

    private TimeSpan SafetyBound(RelayOptions options, long started)
    {
        var bound = TimeSpan.FromMilliseconds(Math.Min(options.Deadline.TotalMilliseconds + 250, 4900)) - time.GetElapsedTime(started);
        return bound > TimeSpan.Zero ? bound : TimeSpan.Zero;
    }
}
