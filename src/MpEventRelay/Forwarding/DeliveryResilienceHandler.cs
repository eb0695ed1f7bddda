using Polly;

namespace MpEventRelay.Forwarding;

/// <summary>Runs the relay's deliveries through one cluster's Polly pipeline; passes every other request straight on.</summary>
internal sealed class DeliveryResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!RelayRequestMarker.IsMarked(request))
        {
            return base.SendAsync(request, cancellationToken);
        }

        return pipeline.ExecuteAsync(
            static async (state, token) => await state.Handler.BaseSend(state.Request, token).ConfigureAwait(false),
            (Handler: this, Request: request),
            cancellationToken).AsTask();
    }

    private Task<HttpResponseMessage> BaseSend(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
