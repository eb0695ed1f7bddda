using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail in SQLite, beside the outbox (<c>data/outbox.db</c> → <c>data/outbox-trail.db</c>). Append-only: each
/// batch writes one row per push it has events for (the events packed as JSON lines, with the columns the filters
/// need), so a push is usually one row (its deliveries and WeChat's answer arrive together) and a later retry adds one.
/// Only append-ordered keys are indexed: a trail id or OpenID hash is random, and an index on it would rewrite a
/// random page per push (measured: 49 µs a push against 10 µs). Searches scan instead — at most MaxPushes rows, for an
/// operator's question. Written only by <see cref="TrailWriter"/>; read by the admin API.
/// </summary>
internal sealed class SqliteTrailStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, List<TrailEvent>> _byPush = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Stack<List<TrailEvent>> _spareLists = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });
    private readonly List<ReadOnlyMemory<char>> _tags = [];
    private SqliteConnection? _connection;
    private sqlite3_stmt? _insert;

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
            GroupByPush(events);
            await using var transaction = connection.BeginTransaction();
            foreach (var id in _order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Insert(connection, id, _byPush[id]);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var list in _byPush.Values)
            {
                list.Clear();
                _spareLists.Push(list);
            }

            _byPush.Clear();
            _order.Clear();
            _gate.Release();
        }
    }

    // One push's row, bound straight from the events' strings and the reused buffers (SQLite copies what is bound) on
    // the statement Microsoft.Data.Sqlite itself sits on: no command, parameter objects or row string per push
    // (TrailStoreBenchmarks: 9.3 → 5.3 µs and 2.34 KB → 593 B a push).
    private void Insert(SqliteConnection connection, string id, List<TrailEvent> push)
    {
        var insert = _insert!;
        var first = push.Find(static e => e.Kind == TrailEventKind.WeChatTry);
        Check(raw.sqlite3_bind_text16(insert, 1, id));
        Check(raw.sqlite3_bind_int64(insert, 2, push[0].AtMs));
        Text(3, first?.Account);
        Text(4, first?.Route);
        Text(5, first?.MessageKind);
        Text(6, first?.MsgId);
        Text(7, first?.OpenIdHash);
        Text(8, Tags(push, static e => e.Target));
        Text(9, Tags(push, static e => e.Kind == TrailEventKind.WeChatTry ? e.Detail : null));
        Check(raw.sqlite3_bind_int64(insert, 10, push.Exists(static e => e.Kind is TrailEventKind.Delivery or TrailEventKind.DeadLetter && e.Error is not null) ? 1 : 0));
        Check(raw.sqlite3_bind_text(insert, 11, Lines(push)));
        try
        {
            Check(raw.sqlite3_step(insert));
        }
        finally
        {
            raw.sqlite3_reset(insert);
        }

        // UTF-16 straight from the string; an empty span would bind NULL (no pointer), so "" goes as UTF-8.
        void Text(int index, string? value) => Check(value switch
        {
            null => raw.sqlite3_bind_null(insert, index),
            "" => raw.sqlite3_bind_text(insert, index, ""),
            _ => raw.sqlite3_bind_text16(insert, index, value),
        });

        void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    // A batch's events per push, in order of first appearance; lists are reused from batch to batch.
    private void GroupByPush(IReadOnlyList<TrailEvent> events)
    {
        foreach (var e in events)
        {
            if (!_byPush.TryGetValue(e.TrailId, out var list))
            {
                list = _spareLists.Count > 0 ? _spareLists.Pop() : [];
                _byPush[e.TrailId] = list;
                _order.Add(e.TrailId);
            }

            list.Add(e);
        }
    }

    // The push's events as JSON lines (what TrailEventView reads back), written with one reused writer and buffer.
    private ReadOnlySpan<byte> Lines(List<TrailEvent> push)
    {
        _buffer.ResetWrittenCount();
        foreach (var e in push)
        {
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("at", DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs));
            _json.WriteString("kind", e.Kind switch { TrailEventKind.WeChatTry => "wechat", TrailEventKind.Delivery => "delivery", TrailEventKind.DeadLetter => "dead-letter", _ => "late-reply" });
            Optional("target", e.Target);
            Optional("destination", e.Destination);
            if (e.Status is { } status) _json.WriteNumber("status", status);
            if (e.LatencyMs is { } latency) _json.WriteNumber("latencyMs", latency);
            Optional("error", e.Error);
            if (e.Attempt is { } attempt) _json.WriteNumber("attempt", attempt);
            Optional("detail", e.Detail);
            _json.WriteEndObject();
            _json.Flush();
            _buffer.Write("\n"u8);
        }

        return _buffer.WrittenSpan;

        void Optional(string name, string? value)
        {
            if (value is not null)
            {
                _json.WriteString(name, value);
            }
        }
    }

    // ",a,b," so a filter is one LIKE '%,a,%'. A tag is the value up to a '+' ("replied+reply" → "replied"), each once;
    // compared as spans of the events' own strings, so the only string built is the result.
    private string Tags(List<TrailEvent> push, Func<TrailEvent, string?> tag)
    {
        _tags.Clear();
        foreach (var e in push)
        {
            if (tag(e) is not { Length: > 0 } value)
            {
                continue;
            }

            var plus = value.IndexOf('+');
            var plain = plus < 0 ? value.AsMemory() : value.AsMemory(0, plus);
            if (!Seen(plain.Span))
            {
                _tags.Add(plain);
            }
        }

        bool Seen(ReadOnlySpan<char> plain)
        {
            foreach (var seen in _tags)
            {
                if (seen.Span.SequenceEqual(plain))
                {
                    return true;
                }
            }

            return false;
        }

        return _tags.Count switch
        {
            0 => "",
            1 => string.Concat(",", _tags[0].Span, ","),
            _ => "," + string.Join(',', _tags) + ",",
        };
    }

    /// <summary>Removes pushes older than the retention and beyond the size limit.</summary>
    public async Task<int> PruneAsync(long cutoffMs, int maxPushes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Rows are appended in time order, so both limits cut the table at one seq and the delete is a range of the
            // primary key (a range delete cost a quarter of matching each row's push: 0.29 s against 1.1 s for 100,000
            // of 300,000 rows, the writer blocked meanwhile). The size limit counts pushes by the row holding WeChat's
            // answer; a row of the oldest kept push written before that one (an attempt seen a batch earlier) may go
            // with the pruned ones.
            await using var prune = Command(Open(), """
                DELETE FROM trail WHERE seq <= max(
                  coalesce((SELECT seq FROM trail WHERE account IS NOT NULL ORDER BY seq DESC LIMIT 1 OFFSET $max), 0),
                  coalesce((SELECT seq FROM trail WHERE at_ms >= $cutoff ORDER BY seq LIMIT 1) - 1, (SELECT max(seq) FROM trail), 0))
                """);
            prune.Parameters.AddWithValue("$cutoff", cutoffMs);
            prune.Parameters.AddWithValue("$max", maxPushes);
            return await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
            // 1. Pushes whose first row (the one with WeChat's answer) matches, newest first.
            var (where, parameters) = Filter(query);
            await using var find = Command(connection, $"SELECT DISTINCT id FROM trail WHERE account IS NOT NULL {where} ORDER BY seq DESC LIMIT $limit");
            foreach (var (name, value) in parameters)
            {
                find.Parameters.AddWithValue(name, value);
            }

            find.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 1000));
            var ids = new List<string>();
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            // 2. All their rows (later retries too), merged per push.
            var rows = new Dictionary<string, List<(long At, string? Account, string? Route, string? Kind, string? MsgId, string? OpenId, string Events)>>(StringComparer.Ordinal);
            foreach (var chunk in ids.Chunk(500))
            {
                await using var load = Command(connection, $"SELECT id, at_ms, account, route, kind, msg_id, openid_hash, events FROM trail WHERE id IN ({string.Join(", ", chunk.Select((_, i) => $"$id{i}"))})");
                for (var i = 0; i < chunk.Length; i++)
                {
                    load.Parameters.AddWithValue($"$id{i}", chunk[i]);
                }

                await using var reader = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                    var id = reader.GetString(0);
                    if (!rows.TryGetValue(id, out var list))
                    {
                        rows[id] = list = [];
                    }

                    list.Add((reader.GetInt64(1), Text(2), Text(3), Text(4), Text(5), Text(6), reader.GetString(7)));
                }
            }

            return ids.Where(rows.ContainsKey).Select(id =>
            {
                var parts = rows[id];
                var first = parts.First(p => p.Account is not null);
                var events = parts.SelectMany(p => p.Events.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    .Select(line => JsonSerializer.Deserialize<TrailEventView>(line, Json)!)
                    .OrderBy(e => e.At)
                    .ToList();
                return new TrailView(id, DateTimeOffset.FromUnixTimeMilliseconds(parts.Min(p => p.At)), first.Account!, first.Route ?? "-", first.Kind ?? "-", first.MsgId, first.OpenId ?? "-", events);
            }).ToList();
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
            await using var count = Command(Open(), "SELECT COUNT(DISTINCT id) FROM trail WHERE account IS NOT NULL"); // pushes that can be found, as the size limit counts them
            return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _insert?.Dispose();
        _json.Dispose();
        _connection?.Dispose();
        _gate.Dispose();
    }

    // Conditions on a push's first row, except target and outcome, which any of its rows may satisfy.
    private static (string Where, List<(string, object)> Parameters) Filter(TrailQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object)>();
        void Add(string clause, string name, object value)
        {
            clauses.Add(clause);
            parameters.Add((name, value));
        }

        if (query.TrailId is { } id) Add("id = $trailId", "$trailId", id);
        if (query.MsgId is { } msgId) Add("msg_id = $msgId", "$msgId", msgId);
        if (query.Account is { } account) Add("account = $account", "$account", account);
        if (query.Route is { } route) Add("route = $route", "$route", route);
        if (query.SinceMs is { } since) Add("at_ms >= $since", "$since", since);
        if (query.UntilMs is { } until) Add("at_ms <= $until", "$until", until);
        if (query.Target is { } target) Add("id IN (SELECT id FROM trail WHERE targets LIKE $target)", "$target", $"%,{target},%");
        if (query.Outcome is "failed")
        {
            clauses.Add("id IN (SELECT id FROM trail WHERE failed = 1)");
        }
        else if (query.Outcome is { } outcome)
        {
            Add("id IN (SELECT id FROM trail WHERE outcomes LIKE $outcome)", "$outcome", $"%,{outcome},%");
        }

        if (query.OpenIdHashes.Count > 0)
        {
            clauses.Add($"openid_hash IN ({string.Join(", ", query.OpenIdHashes.Select((_, i) => $"$openId{i}"))})");
            parameters.AddRange(query.OpenIdHashes.Select((hash, i) => ($"$openId{i}", (object)hash)));
        }

        return (string.Concat(clauses.Select(c => " AND " + c)), parameters);
    }

    private SqliteConnection Open()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var connection = new SqliteConnection($"Data Source={FilePath}");
        connection.Open();
        using (var schema = connection.CreateCommand())
        {
            // 16 KB pages (set before the file's first table; an existing file keeps its own): a quarter of the WAL
            // frames, so of the write syscalls, which are most of the writer's kernel time (200,000 rows in batches
            // of 800: 0.83 s of CPU with 4 KB pages, 0.60 s with 16 KB).
            schema.CommandText = """
                PRAGMA page_size = 16384;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS trail (
                  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, at_ms INTEGER NOT NULL, account TEXT, route TEXT, kind TEXT,
                  msg_id TEXT, openid_hash TEXT, targets TEXT NOT NULL, outcomes TEXT NOT NULL, failed INTEGER NOT NULL, events TEXT NOT NULL);
                """;
            schema.ExecuteNonQuery();
        }

        // One prepared statement for every write, appended at the end of the table.
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(connection.Handle, """
            INSERT INTO trail (id, at_ms, account, route, kind, msg_id, openid_hash, targets, outcomes, failed, events)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """, out var insert), connection.Handle);
        _insert = insert;
        return _connection = connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
