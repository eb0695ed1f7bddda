using MpEventRelay.Configuration.Loading;
using MpEventRelay.Dedup;
using MpEventRelay.Outbox;
using MpEventRelay.Trail;

namespace MpEventRelay.Admin;

/// <summary>
/// <c>GET /admin/trail</c>: find pushes by OpenID (hashed on the way in), MsgId, account, route, target, outcome, time;
/// <c>POST /admin/trail/{id}/replay</c> and <c>POST /admin/replay?target=…&amp;since=…</c>: send failed deliveries
/// (dead letters) again, or with <c>dryRun=true</c> say what would be sent.
/// </summary>
internal static class TrailEndpoints
{
    public static RouteGroupBuilder MapTrail(this RouteGroupBuilder admin)
    {
        admin.MapGet("/trail", FindAsync);
        admin.MapPost("/trail/{id}/replay", ReplayOneAsync);
        admin.MapPost("/replay", ReplaySinceAsync);
        return admin;
    }

    private static async Task<IResult> FindAsync(
        ITrailStore store, OpenIdHasher hasher, RelayModelProvider models, CancellationToken cancellationToken,
        string? openid, string? id, string? msgid, string? account, string? route, string? target, string? outcome,
        DateTimeOffset? since, DateTimeOffset? until, int? limit)
    {
        var model = models.Current;
        var hashes = openid is null
            ? []
            : model.AccountsByName.Values.Where(a => account is null || string.Equals(a.Name, account, StringComparison.OrdinalIgnoreCase))
                .Select(a => hasher.Hash(a, openid.Trim())).Distinct().ToList();
        if (openid is not null && hashes.Count == 0)
        {
            return Results.Ok(Array.Empty<TrailView>());
        }

        var query = new TrailQuery
        {
            OpenIdHashes = hashes,
            TrailId = id,
            MsgId = msgid,
            Account = account,
            Route = route,
            Target = target,
            Outcome = outcome,
            SinceMs = since?.ToUnixTimeMilliseconds(),
            UntilMs = until?.ToUnixTimeMilliseconds(),
            Limit = limit ?? 50,
        };
        try
        {
            return Results.Ok(await store.FindAsync(query, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            return Results.Text($"The trail's store (Redis) did not answer: {e.GetType().Name}. Try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static Task<IResult> ReplayOneAsync(string id, bool? dryRun, DeliveryOutbox outbox, DeadLetters deadLetters, RelayModelProvider models, CancellationToken cancellationToken) =>
        ReplayAsync(new DeadLetterQuery { TrailId = id }, dryRun == true, outbox, deadLetters, models, cancellationToken);

    private static Task<IResult> ReplaySinceAsync(string target, DateTimeOffset since, string? account, bool? dryRun, DeliveryOutbox outbox, DeadLetters deadLetters, RelayModelProvider models, CancellationToken cancellationToken) =>
        ReplayAsync(DeadLetterFilter.Query(models.Current, account, target, null, null, since, null), dryRun == true, outbox, deadLetters, models, cancellationToken);

    // Failed deliveries are the dead letters (pending ones are still being retried): every one that matches, however
    // many. Each replayed goes back to the outbox, due now, with the same Idempotency-Key.
    private static async Task<IResult> ReplayAsync(DeadLetterQuery query, bool dryRun, DeliveryOutbox outbox, DeadLetters deadLetters, RelayModelProvider models, CancellationToken cancellationToken)
    {
        var options = models.Current.Options.Outbox;
        var replayed = new List<ReplayView>();
        foreach (var record in await deadLetters.AllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var item = record.Item;
            var done = !dryRun && await outbox.ReplayDeadLetterAsync(record, options, cancellationToken).ConfigureAwait(false);
            replayed.Add(new ReplayView(item.Id, DedupKey.Header(item.DedupKey), record.Store.Name, item.Account, item.Route, item.Target, DateTimeOffset.FromUnixTimeMilliseconds(item.CreatedAtMs), item.LastError, done));
        }

        return Results.Ok(new { dryRun, count = replayed.Count, deliveries = replayed });
    }
}
