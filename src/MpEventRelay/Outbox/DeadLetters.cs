using System.Globalization;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// The dead letters of every store as one list, oldest first: store by store, each in creation order, in pages.
/// Stores filter by lane and time from their indexes; route and trail id are checked here, scanning on until the
/// page is full, so a page is never short while more match. The cursor names the store and the last item returned.
/// </summary>
internal sealed class DeadLetters(DeliveryOutbox outbox)
{
    private const int ScanChunk = 500;

    public async Task<DeadLetterPage> QueryAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var (storeIndex, after) = ParseCursor(query.Cursor);
        var found = new List<OutboxRecord>();
        var lastStoreIndex = 0;
        for (var i = storeIndex; i < outbox.Stores.Count; i++, after = null)
        {
            var store = outbox.Stores[i];
            var range = new DeadLetterRange { Account = query.Account, Target = query.Target, SinceMs = query.SinceMs, UntilMs = query.UntilMs, AfterCreatedAtMs = after?.CreatedAtMs, AfterId = after?.Id };
            while (true)
            {
                var current = range;
                var chunk = await store.Guard.RunAsync(token => store.DeadLettersAsync(current, ScanChunk, token), cancellationToken, StoreGuard.BackgroundBudget).ConfigureAwait(false);
                foreach (var item in chunk.Where(query.Matches))
                {
                    if (found.Count == limit)
                    {
                        return new DeadLetterPage(found, Cursor(lastStoreIndex, found[^1].Item)); // one more matches
                    }

                    found.Add(new OutboxRecord(store, item));
                    lastStoreIndex = i;
                }

                if (chunk.Count < ScanChunk)
                {
                    break;
                }

                range = range with { AfterCreatedAtMs = chunk[^1].CreatedAtMs, AfterId = chunk[^1].Id };
            }
        }

        return new DeadLetterPage(found, null);
    }

    /// <summary>Every dead letter matching <paramref name="query"/>, page after page (for replays).</summary>
    public async Task<IReadOnlyList<OutboxRecord>> AllAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        var all = new List<OutboxRecord>();
        for (var page = await QueryAsync(query with { Limit = 1000 }, cancellationToken).ConfigureAwait(false); ; page = await QueryAsync(query with { Limit = 1000, Cursor = page.NextCursor }, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page.Records);
            if (page.NextCursor is null)
            {
                return all;
            }
        }
    }

    private static string Cursor(int storeIndex, OutboxItem last) =>
        string.Create(CultureInfo.InvariantCulture, $"{storeIndex}.{last.CreatedAtMs}.{last.Id}");

    private static (int StoreIndex, (long CreatedAtMs, string Id)? After) ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (0, null);
        }

        var parts = cursor.Split('.', 3);
        if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var store) || store < 0 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var at))
        {
            throw new FormatException("the cursor is not one this relay returned");
        }

        return (store, (at, parts[2]));
    }
}
