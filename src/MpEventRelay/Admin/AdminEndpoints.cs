using MpEventRelay.Configuration.Loading;
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
            return invocation =>
            {
                // Dead letters, trails and overviews are no one's to keep: not a browser's cache, not a proxy's.
                invocation.HttpContext.Response.Headers.CacheControl = "no-store";
                return filter.InvokeAsync(invocation, next);
            };
        });
        admin.MapGet("/dead-letters", ListAsync);
        admin.MapPost("/dead-letters/{id}/replay", ReplayAsync);
        admin.MapTrail();
        admin.MapGet("/overview", OverviewEndpoint.Get);
        endpoints.MapGet("/console", ConsolePage.Serve); // the page itself holds no data: every call it makes needs the key
        return endpoints;
    }

    // A page of dead letters, oldest first, as a JSON array (its shape since the first release). When more match, the
    // X-Next-Cursor header holds the cursor of the next page (and a Link header says the same).
    private static async Task<IResult> ListAsync(
        HttpContext context, DeadLetters deadLetters, RelayModelProvider models, CancellationToken cancellationToken,
        string? account, string? target, string? route, string? id, DateTimeOffset? since, DateTimeOffset? until, string? cursor, int? max)
    {
        var query = DeadLetterFilter.Query(models.Current, account, target, route, id, since, until) with { Cursor = cursor, Limit = Math.Clamp(max ?? 100, 1, 1000) };
        DeadLetterPage page;
        try
        {
            page = await deadLetters.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return Results.Text($"cursor: {e.Message}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var views = page.Records.Select(r => new DeadLetterView(r.Item.Id, r.Store.Name, r.Item.Account, r.Item.Route, r.Item.Target, r.Item.Attempts,
            DateTimeOffset.FromUnixTimeMilliseconds(r.Item.CreatedAtMs), r.Item.LastError)).ToList();
        if (page.NextCursor is { } next)
        {
            var request = context.Request;
            var nextQuery = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString.Value);
            nextQuery["cursor"] = next;
            context.Response.Headers["X-Next-Cursor"] = next;
            context.Response.Headers.Link = $"<{request.PathBase}{request.Path}{QueryString.Create(nextQuery)}>; rel=\"next\"";
        }

        return Results.Ok(views);
    }

    private static async Task<IResult> ReplayAsync(string id, DeliveryOutbox outbox, RelayModelProvider models, CancellationToken cancellationToken)
    {
        foreach (var store in outbox.Stores)
        {
            var item = await store.Guard.RunAsync(token => store.FindDeadLetterAsync(id, token), cancellationToken, Storage.StoreGuard.BackgroundBudget).ConfigureAwait(false);
            if (item is not null && await outbox.ReplayDeadLetterAsync(new OutboxRecord(store, item), models.Current.Options.Outbox, cancellationToken).ConfigureAwait(false))
            {
                return Results.Ok(new { id, store = store.Name, replayed = true });
            }
        }

        return Results.Text($"No dead letter {id}.", statusCode: StatusCodes.Status404NotFound);
    }
}
