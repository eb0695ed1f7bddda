using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MpEventRelay.Trail;

/// <summary>
/// The trail in SQLite, beside the outbox (<c>data/outbox.db</c> → <c>data/outbox-trail.db</c>). Append-only, one row
/// per batch the writer stores (up to <see cref="RowEvents"/> events as JSON lines, <see cref="TrailLine"/>), with the
/// batch's time range and how many pushes it opened: a batch costs one insert however many pushes it holds, and
/// pruning deletes whole rows from the oldest end. A row per push cost 5.2 µs of CPU a push to store and 2.5 µs more
/// to prune past the size limit; a row per batch, 2.8 µs and 0.1 µs (300,000 pushes in batches of 1,000). Searches read the rows newest first (<see cref="TrailSearch"/>) and stop
/// once older rows cannot change the answer: at most MaxPushes pushes, for an operator's question. Written only by
/// <see cref="TrailWriter"/>; read by the admin API.
/// </summary>
internal sealed class SqliteTrailStore : ITrailStore, IDisposable
{
    /// <summary>The most events in one row: a search reads a row whole.</summary>
    public const int RowEvents = 2000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { SkipValidation = true });
    private readonly HashSet<string> _opened = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rowPushes = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private sqlite3_stmt? _insert;
    private long _pushes;
    private long _bytes;

    /// <param name="outboxPath">The SQLite outbox's file: the trail lives beside it, <c>outbox.db</c> → <c>outbox-trail.db</c>.</param>
    public SqliteTrailStore(string outboxPath)
    {
        var full = Path.GetFullPath(outboxPath);
        FilePath = Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-trail.db");
    }

    /// <summary>The trail's database file.</summary>
    public string FilePath { get; }

    /// <summary>Stores <paramref name="events"/> in rows of at most <see cref="RowEvents"/> events.</summary>
    public Task AddAsync(IReadOnlyList<TrailEvent> events, CancellationToken cancellationToken) => AddAsync(events, RowEvents, cancellationToken);

    /// <summary>
    /// Stores <paramref name="events"/> in rows of at most <see cref="RowEvents"/> events of at most
    /// <paramref name="rowPushes"/> pushes: the size limit removes whole rows, so a row's pushes are how close
    /// to the limit pruning keeps the trail.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<TrailEvent> events, int rowPushes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            await using var transaction = connection.BeginTransaction();
            long added = 0, bytes = 0;
            for (var next = 0; next < events.Count;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (next, var opened) = Insert(connection, events, next, Math.Max(1, rowPushes));
                added += opened;
                bytes += _buffer.WrittenCount;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _pushes += added;
            _bytes += bytes;
        }
        finally
        {
            _gate.Release();
        }
    }

    // One row from events[start..]: the events as JSON lines in one reused buffer, bound as one blob (SQLite copies
    // what is bound) on the statement Microsoft.Data.Sqlite itself sits on. Returns where the next row starts and the
    // pushes this row opened (ids with a WeChat try).
    private (int Next, int Opened) Insert(SqliteConnection connection, IReadOnlyList<TrailEvent> events, int start, int rowPushes)
    {
        _buffer.ResetWrittenCount();
        _opened.Clear();
        _rowPushes.Clear();
        long first = long.MaxValue, last = long.MinValue;
        var next = start;
        for (; next < events.Count && next - start < RowEvents; next++)
        {
            // A row ends before the first event of one push more than it may hold (any event: a push's deliveries
            // come before WeChat's answer, and should stay in its row).
            var e = events[next];
            if (!_rowPushes.Contains(e.TrailId))
            {
                if (_rowPushes.Count == rowPushes)
                {
                    break;
                }

                _rowPushes.Add(e.TrailId);
            }

            if (e.Kind == TrailEventKind.WeChatTry)
            {
                _opened.Add(e.TrailId);
            }

            _json.Reset(_buffer);
            TrailLine.Write(_json, e);
            _json.Flush();
            _buffer.Write("\n"u8);
            first = Math.Min(first, e.AtMs);
            last = Math.Max(last, e.AtMs);
        }

        var insert = _insert!;
        Check(raw.sqlite3_bind_int64(insert, 1, first));
        Check(raw.sqlite3_bind_int64(insert, 2, last));
        Check(raw.sqlite3_bind_int64(insert, 3, _opened.Count));
        Check(raw.sqlite3_bind_blob(insert, 4, _buffer.WrittenSpan));
        try
        {
            Step(connection, insert);
        }
        finally
        {
            raw.sqlite3_reset(insert);
        }

        return (next, _opened.Count);

        void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    /// <summary>
    /// Removes, from the oldest end, the rows whose every event is past the retention, then rows while the trail holds
    /// more than <paramref name="maxPushes"/> pushes (so it holds at most that many, and up to a row's pushes fewer). A
    /// row's pushes are those it opened; a push whose events span two rows goes with the older one. Then rows while the
    /// stored events exceed <paramref name="maxBytes"/>, however few pushes they are. Returns the pushes removed.
    /// </summary>
    public async Task<long> PruneAsync(long cutoffMs, int maxPushes, long maxBytes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Open();
            long lastSeq = 0, removed = 0, removedBytes = 0;
            using (var oldest = Prepare(connection, "SELECT seq, last_ms, pushes, length(events) FROM trail_batch ORDER BY seq"))
            {
                while (Step(connection, oldest)
                    && (raw.sqlite3_column_int64(oldest, 1) < cutoffMs || _pushes - removed > maxPushes || _bytes - removedBytes > maxBytes))
                {
                    lastSeq = raw.sqlite3_column_int64(oldest, 0);
                    removed += raw.sqlite3_column_int64(oldest, 2);
                    removedBytes += raw.sqlite3_column_int64(oldest, 3);
                }
            }

            if (lastSeq == 0)
            {
                return 0;
            }

            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM trail_batch WHERE seq <= $seq";
            delete.Parameters.AddWithValue("$seq", lastSeq);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _pushes -= removed;
            _bytes -= removedBytes;
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

            // 1. Rows newest first until older ones cannot change the answer: which pushes, and where their lines are.
            var search = new TrailSearch(query);
            using (var rows = Prepare(connection, "SELECT seq, last_ms, events FROM trail_batch WHERE last_ms >= ?1 ORDER BY seq DESC"))
            {
                raw.sqlite3_bind_int64(rows, 1, search.FromMs);
                while (Step(connection, rows) && !search.Enough(raw.sqlite3_column_int64(rows, 1)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    search.Read(raw.sqlite3_column_int64(rows, 0), raw.sqlite3_column_blob(rows, 2));
                }
            }

            // 2. Those pushes' lines read whole, from the rows that hold them.
            var found = search.Result();
            var lines = new Dictionary<LineRef, StoredTrailLine>();
            using (var row = Prepare(connection, "SELECT events FROM trail_batch WHERE seq = ?1"))
            {
                foreach (var batch in found.SelectMany(p => p.Lines.Append(p.Opening!.Value)).Distinct().GroupBy(l => l.Seq))
                {
                    raw.sqlite3_bind_int64(row, 1, batch.Key);
                    if (Step(connection, row))
                    {
                        var events = raw.sqlite3_column_blob(row, 0);
                        foreach (var line in batch)
                        {
                            lines[line] = JsonSerializer.Deserialize<StoredTrailLine>(events.Slice(line.Start, line.Length), Json)!;
                        }
                    }

                    raw.sqlite3_reset(row);
                }
            }

            return found.Select(push =>
            {
                var opening = lines[push.Opening!.Value];
                var events = push.Lines.AsEnumerable().Reverse().Append(push.Opening!.Value).Distinct().Select(l => lines[l]).OrderBy(l => l.At).ToList();
                return new TrailView(push.Id, DateTimeOffset.FromUnixTimeMilliseconds(events[0].At), opening.Account ?? "-", opening.Route ?? "-",
                    opening.Type ?? "-", opening.MsgId, opening.OpenId ?? "-", events.Select(l => l.ToView()).ToList())
                { EventsOmitted = push.Omitted - (push.Lines.Contains(push.Opening.Value) ? 0 : 1) };
            }).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The bytes of events the trail holds, as the byte limit counts them.</summary>
    public async Task<long> BytesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            return _bytes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The pushes the trail holds, as the size limit counts them.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            return _pushes;
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
            // 16 KB pages (set before the file's first table; an existing file keeps its own): fewer WAL frames, so
            // fewer write syscalls, which are most of the writer's kernel time. The table of the first trail version
            // (a row per push) is dropped: the trail is a record for operators, not of deliveries.
            schema.CommandText = """
                PRAGMA page_size = 16384;
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                DROP TABLE IF EXISTS trail;
                CREATE TABLE IF NOT EXISTS trail_batch (
                  seq INTEGER PRIMARY KEY, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, pushes INTEGER NOT NULL, events BLOB NOT NULL);
                """;
            schema.ExecuteNonQuery();
            schema.CommandText = "SELECT coalesce(sum(pushes), 0), coalesce(sum(length(events)), 0) FROM trail_batch";
            using var totals = schema.ExecuteReader();
            totals.Read();
            _pushes = totals.GetInt64(0);
            _bytes = totals.GetInt64(1);
        }

        // One prepared statement for every write, appended at the end of the table.
        _insert = Prepare(connection, "INSERT INTO trail_batch (first_ms, last_ms, pushes, events) VALUES (?1, ?2, ?3, ?4)");
        return _connection = connection;
    }

    // True on a row, false when done; an error (I/O, a full disk) throws.
    private static bool Step(SqliteConnection connection, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        return rc == raw.SQLITE_ROW;
    }

    private static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement), connection.Handle);
        return statement;
    }
}
