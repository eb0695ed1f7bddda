using Microsoft.Data.Sqlite;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail in SQLite (beside the outbox: <c>data/outbox-trail.db</c>): one row per push, one per event. Written only by
/// <see cref="TrailWriter"/>, in batches; read by the admin API. One connection, one caller at a time.
/// </summary>
internal sealed class SqliteTrailStore : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;

    /// <param name="outboxPath">The SQLite outbox's file: the trail lives beside it, <c>outbox.db</c> → <c>outbox-trail.db</c>.</param>
    public SqliteTrailStore(string outboxPath)
    {
        var full = Path.GetFullPath(outboxPath);
        FilePath = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-trail.db");
    }

    /// <summary>The trail's database file.</summary>
    public string FilePath { get; }

    public async Task AddAsync(IReadOnlyList<TrailEvent> events, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            await using var transaction = connection.BeginTransaction();
            await using var push = Command(connection, "INSERT OR IGNORE INTO trail(id, arrived_ms, account, route, kind, msg_id, openid_hash) VALUES ($id, $at, $account, $route, $kind, $msgId, $openId)");
            await using var add = Command(connection, "INSERT INTO trail_event(trail_id, at_ms, kind, target, destination, status, latency_ms, error, attempt, detail) VALUES ($id, $at, $kind, $target, $destination, $status, $latency, $error, $attempt, $detail)");
            foreach (var e in events)
            {
                if (e.Kind == TrailEventKind.WeChatTry)
                {
                    Set(push, ("$id", e.TrailId), ("$at", e.AtMs), ("$account", e.Account), ("$route", e.Route), ("$kind", e.MessageKind), ("$msgId", e.MsgId), ("$openId", e.OpenIdHash));
                    await push.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                Set(add, ("$id", e.TrailId), ("$at", e.AtMs), ("$kind", e.Kind.ToString()), ("$target", e.Target), ("$destination", e.Destination), ("$status", e.Status),
                    ("$latency", e.LatencyMs), ("$error", e.Error), ("$attempt", e.Attempt), ("$detail", e.Detail));
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes pushes older than the retention and beyond the size limit, with their events.</summary>
    public async Task<int> PruneAsync(long cutoffMs, int maxPushes, long orphanCutoffMs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            await using var transaction = connection.BeginTransaction();
            await using var old = Command(connection, "DELETE FROM trail WHERE arrived_ms < $cutoff OR id IN (SELECT id FROM trail ORDER BY arrived_ms DESC LIMIT -1 OFFSET $max)");
            Set(old, ("$cutoff", cutoffMs), ("$max", maxPushes));
            var removed = await old.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            // Events whose push is gone; an event may come before its push's first row (a delivery ends before
            // WeChat's answer is written), so only those older than a minute.
            await using var orphans = Command(connection, "DELETE FROM trail_event WHERE at_ms < $orphan AND trail_id NOT IN (SELECT id FROM trail)");
            Set(orphans, ("$orphan", orphanCutoffMs));
            await orphans.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<TrailView>> FindAsync(TrailQuery query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            var (where, parameters) = Filter(query);
            await using var find = Command(connection, $"SELECT id, arrived_ms, account, route, kind, msg_id, openid_hash FROM trail {where} ORDER BY arrived_ms DESC LIMIT $limit");
            Set(find, [.. parameters, ("$limit", Math.Clamp(query.Limit, 1, 1000))]);
            var pushes = new List<(string Id, long At, string Account, string Route, string Kind, string? MsgId, string OpenId)>();
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pushes.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6)));
                }
            }

            var views = new List<TrailView>(pushes.Count);
            foreach (var p in pushes)
            {
                views.Add(new TrailView(p.Id, DateTimeOffset.FromUnixTimeMilliseconds(p.At), p.Account, p.Route, p.Kind, p.MsgId, p.OpenId, await EventsAsync(connection, p.Id, cancellationToken).ConfigureAwait(false)));
            }

            return views;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var count = Command(Open(), "SELECT COUNT(*) FROM trail");
            return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }

    private static (string Where, List<(string, object?)> Parameters) Filter(TrailQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object?)>();
        void Add(string clause, string name, object? value)
        {
            clauses.Add(clause);
            parameters.Add((name, value));
        }

        if (query.TrailId is { } id) Add("id = $trailId", "$trailId", id);
        if (query.MsgId is { } msgId) Add("msg_id = $msgId", "$msgId", msgId);
        if (query.Account is { } account) Add("account = $account", "$account", account);
        if (query.Route is { } route) Add("route = $route", "$route", route);
        if (query.SinceMs is { } since) Add("arrived_ms >= $since", "$since", since);
        if (query.UntilMs is { } until) Add("arrived_ms <= $until", "$until", until);
        if (query.Target is { } target) Add("EXISTS (SELECT 1 FROM trail_event e WHERE e.trail_id = trail.id AND e.target = $target)", "$target", target);
        if (query.Outcome is "failed")
        {
            clauses.Add("EXISTS (SELECT 1 FROM trail_event e WHERE e.trail_id = trail.id AND e.kind = 'Delivery' AND e.error IS NOT NULL)");
        }
        else if (query.Outcome is { } outcome)
        {
            Add("EXISTS (SELECT 1 FROM trail_event e WHERE e.trail_id = trail.id AND e.kind = 'WeChatTry' AND e.detail = $outcome)", "$outcome", outcome);
        }

        if (query.OpenIdHashes.Count > 0)
        {
            var names = query.OpenIdHashes.Select((_, i) => $"$openId{i}").ToList();
            clauses.Add($"openid_hash IN ({string.Join(", ", names)})");
            parameters.AddRange(query.OpenIdHashes.Select((hash, i) => ($"$openId{i}", (object?)hash)));
        }

        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), parameters);
    }

    private static async Task<IReadOnlyList<TrailEventView>> EventsAsync(SqliteConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var events = Command(connection, "SELECT at_ms, kind, target, destination, status, latency_ms, error, attempt, detail FROM trail_event WHERE trail_id = $id ORDER BY at_ms, rowid");
        Set(events, ("$id", id));
        var views = new List<TrailEventView>();
        await using var reader = await events.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long? Number(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            views.Add(new TrailEventView(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), KindName(reader.GetString(1)), Text(2), Text(3),
                (int?)Number(4), Number(5), Text(6), (int?)Number(7), Text(8)));
        }

        return views;
    }

    private static string KindName(string stored) => stored switch
    {
        nameof(TrailEventKind.WeChatTry) => "wechat",
        nameof(TrailEventKind.Delivery) => "delivery",
        nameof(TrailEventKind.DeadLetter) => "dead-letter",
        _ => "late-reply",
    };

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var connection = new SqliteConnection($"Data Source={FilePath}");
        connection.Open();
        using var schema = connection.CreateCommand();
        schema.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS trail (id TEXT PRIMARY KEY, arrived_ms INTEGER NOT NULL, account TEXT NOT NULL, route TEXT NOT NULL, kind TEXT NOT NULL, msg_id TEXT, openid_hash TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS trail_arrived ON trail(arrived_ms);
            CREATE INDEX IF NOT EXISTS trail_openid ON trail(openid_hash);
            CREATE INDEX IF NOT EXISTS trail_msg ON trail(msg_id);
            CREATE TABLE IF NOT EXISTS trail_event (trail_id TEXT NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, target TEXT, destination TEXT, status INTEGER, latency_ms INTEGER, error TEXT, attempt INTEGER, detail TEXT);
            CREATE INDEX IF NOT EXISTS trail_event_trail ON trail_event(trail_id);
            """;
        schema.ExecuteNonQuery();
        return _connection = connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Set(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
