using MpEventRelay.Configuration;
using MpEventRelay.Model;
using MpEventRelay.Outbox;

namespace MpEventRelay.Admin;

/// <summary><c>/admin/…</c> (admin key): dead letters, the trail and replays, the overview; and the <c>/console</c> page.</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapRelayAdmin(this IEndpointRouteBuilder endpoints)
    {
        // One filter for all admin endpoints: its per-address limit on wrong keys must count them all together.
        var admin = endpoints.MapGroup("/admin").AddEndpointFilterFactory((context, next) =>
        {
            var filter = context.ApplicationServices.GetRequiredService<AdminKeyFilter>();
            return invocation => filter.InvokeAsync(invocation, next);
        });
        admin.MapGet("/dead-letters", ListAsync);
        admin.MapPost("/dead-letters/{id}/replay", ReplayAsync);
        admin.MapTrail();
        admin.MapGet("/overview", OverviewEndpoint.Get);
        endpoints.MapGet("/console", ConsolePage.Serve); // the page itself holds no data: every call it makes needs the key
        return endpoints;
    }

    private static async Task<IResult> ListAsync(DeliveryOutbox outbox, int? max, CancellationToken cancellationToken)
    {
        var views = new List<DeadLetterView>();
        foreach (var store in outbox.Stores)
        {
            foreach (var item in await store.ListDeadLettersAsync(Math.Clamp(max ?? 100, 1, 1000), cancellationToken).ConfigureAwait(false))
            {
                views.Add(new DeadLetterView(item.Id, store.Name, item.Account, item.Route, item.Target, item.Attempts,
                    DateTimeOffset.FromUnixTimeMilliseconds(item.CreatedAtMs), item.LastError));
            }
        }

        return Results.Ok(views);
    }

    private static async Task<IResult> ReplayAsync(string id, DeliveryOutbox outbox, RelayModelProvider models, CancellationToken cancellationToken)
    {
        foreach (var store in outbox.Stores)
        {
            if (await outbox.ReplayDeadLetterAsync(store, id, models.Current.Options.Outbox, cancellationToken).ConfigureAwait(false))
            {
                return Results.Ok(new { id, store = store.Name, replayed = true });
            }
        }

        return Results.Text($"No dead letter {id}.", statusCode: StatusCodes.Status404NotFound);
    }
}
