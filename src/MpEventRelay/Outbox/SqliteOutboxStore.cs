using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using MpEventRelay.Observability;
using MpEventRelay.Storage;

namespace MpEventRelay.Outbox;

/// <summary>
/// The embedded outbox: one SQLite file in WAL mode. <c>synchronous=NORMAL</c> makes a commit durable against a
/// process crash (<c>kill -9</c>) without an fsync per push; a power loss can lose the last commits.
/// SQLite's calls are synchronous and it has one writer anyway, so one dedicated thread owns the connection and runs
/// the operations in order; callers await them and can stop waiting (their token) without blocking a pool thread.
/// The file is opened on first use and reopened after a failure, so a full or missing disk at start-up costs the
/// operations that need it, not the process.
/// </summary>
internal sealed class SqliteOutboxStore : IOutboxStore, IDisposable
{
    private const string Columns = "id, account, route, target, dedup_key, inbound_mode, payload, created_at, expires_at, attempts, next_attempt_at, last_error";
    private readonly string _path;
    private readonly Channel<Operation> _operations = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private SqliteCommandCache? _commands;

    public SqliteOutboxStore(string path, StoreGuard guard)
    {
        _path = path;
        Guard = guard;
        _thread = new Thread(Run) { IsBackground = true, Name = "sqlite-outbox" };
        _thread.Start();
        // Opens the file now, off the request path; a failure here is met again (and reported) by the first real use.
        _ = RunAsync(Probe, CancellationToken.None).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    public string Name => "sqlite";

    public StoreGuard Guard { get; }

    public Task AddAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            // All or none; one statement is that on its own, and a transaction would cost a BEGIN and a COMMIT, each
            // compiled anew by Microsoft.Data.Sqlite (most pushes record one item).
            using var transaction = items.Count > 1 ? commands.Connection.BeginTransaction() : null;
            foreach (var item in items)
            {
                var command = commands.For(transaction: transaction, sql: $"INSERT OR IGNORE INTO outbox ({Columns}, dead) VALUES ($id, $account, $route, $target, $dedup, $mode, $payload, $created, $expires, $attempts, $next, $error, 0)");
                Bind(command, item);
                command.ExecuteNonQuery();
            }

            transaction?.Commit();
            return true;
        }, cancellationToken);

    // Read, then lease by id, in one transaction (the file has one writer: nothing can claim in between).
    public Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(string lane, long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<OutboxItem>>(commands =>
        {
            var (account, target) = OutboxItem.SplitKey(lane);
            using var transaction = commands.Connection.BeginTransaction();
            var select = commands.For(transaction: transaction, sql: $"SELECT {Columns} FROM outbox WHERE dead = 0 AND account = $account AND target = $target AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $max");
            select.Parameters.AddWithValue("$account", account);
            select.Parameters.AddWithValue("$target", target);
            select.Parameters.AddWithValue("$now", nowMs);
            select.Parameters.AddWithValue("$max", max);
            var items = ReadAll(select);
            SetLease(commands, transaction, "UPDATE outbox SET next_attempt_at = $lease WHERE id = $id", items, leaseUntilMs);
            transaction.Commit();
            return items;
        }, cancellationToken);

    public Task RenewLeasesAsync(IReadOnlyList<OutboxItem> items, long leaseUntilMs, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            using var transaction = commands.Connection.BeginTransaction();
            // Never earlier than a reschedule already set, never a dead letter.
            SetLease(commands, transaction, "UPDATE outbox SET next_attempt_at = MAX(next_attempt_at, $lease) WHERE id = $id AND dead = 0", items, leaseUntilMs);
            transaction.Commit();
            return true;
        }, cancellationToken);

    // One prepared statement, run per item inside the caller's transaction: the claim's lease and its renewals.
    private static void SetLease(SqliteCommandCache commands, SqliteTransaction transaction, string sql, IReadOnlyList<OutboxItem> items, long leaseUntilMs)
    {
        var command = commands.For(transaction: transaction, sql: sql);
        command.Parameters.AddWithValue("$lease", leaseUntilMs);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        foreach (var item in items)
        {
            id.Value = item.Id;
            command.ExecuteNonQuery();
        }
    }

    public Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken) =>
        Update("UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id AND dead = 0", item, cancellationToken);

    public Task CompleteAsync(OutboxItem item, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            var command = commands.For("DELETE FROM outbox WHERE id = $id");
            command.Parameters.AddWithValue("$id", item.Id);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<int> DeadLetterAsync(OutboxItem item, int maxDeadPerLane, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            using var transaction = commands.Connection.BeginTransaction();
            var update = commands.For(transaction: transaction, sql: "UPDATE outbox SET dead = 1, attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id");
            update.Parameters.AddWithValue("$id", item.Id);
            update.Parameters.AddWithValue("$attempts", item.Attempts);
            update.Parameters.AddWithValue("$next", item.NextAttemptAtMs);
            update.Parameters.AddWithValue("$error", (object?)item.LastError ?? DBNull.Value);
            update.ExecuteNonQuery();
            var trim = commands.For(transaction: transaction, sql: """
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE dead = 1 AND account = $account AND target = $target
                    ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET $max)
                """);
            trim.Parameters.AddWithValue("$account", item.Account);
            trim.Parameters.AddWithValue("$target", item.Target);
            trim.Parameters.AddWithValue("$max", maxDeadPerLane);
            var dropped = trim.ExecuteNonQuery();
            transaction.Commit();
            return dropped;
        }, cancellationToken);

    public Task<IReadOnlyList<OutboxItem>> DeadLettersAsync(DeadLetterRange range, int max, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<OutboxItem>>(commands =>
        {
            var command = commands.For($"""
                SELECT {Columns} FROM outbox
                WHERE dead = 1 AND ($account IS NULL OR account = $account) AND ($target IS NULL OR target = $target)
                  AND created_at BETWEEN $since AND $until
                  AND ($afterAt IS NULL OR created_at > $afterAt OR (created_at = $afterAt AND id > $afterId))
                ORDER BY created_at, id LIMIT $max
                """);
            command.Parameters.AddWithValue("$account", (object?)range.Account ?? DBNull.Value);
            command.Parameters.AddWithValue("$target", (object?)range.Target ?? DBNull.Value);
            command.Parameters.AddWithValue("$since", range.SinceMs);
            command.Parameters.AddWithValue("$until", range.UntilMs);
            command.Parameters.AddWithValue("$afterAt", (object?)range.AfterCreatedAtMs ?? DBNull.Value);
            command.Parameters.AddWithValue("$afterId", (object?)range.AfterId ?? "");
            command.Parameters.AddWithValue("$max", max);
            return ReadAll(command);
        }, cancellationToken);

    public Task<OutboxItem?> FindDeadLetterAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            var command = commands.For($"SELECT {Columns} FROM outbox WHERE dead = 1 AND id = $id");
            command.Parameters.AddWithValue("$id", id);
            return ReadAll(command).FirstOrDefault();
        }, cancellationToken);

    public Task<bool> ReplayAsync(OutboxItem deadLetter, long nowMs, long expiresAtMs, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            var command = commands.For("UPDATE outbox SET dead = 0, attempts = 0, next_attempt_at = $now, expires_at = $expires, last_error = NULL WHERE id = $id AND dead = 1");
            command.Parameters.AddWithValue("$id", deadLetter.Id);
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$expires", expiresAtMs);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    // Both counts and the minimum come from indexes (outbox_lane, outbox_age): no table scan, however deep the outbox.
    public Task<OutboxStats> StatsAsync(CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            var command = commands.For("SELECT (SELECT COUNT(*) FROM outbox WHERE dead = 0), (SELECT MIN(created_at) FROM outbox WHERE dead = 0), (SELECT COUNT(*) FROM outbox WHERE dead = 1)");
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OutboxStats(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2));
        }, cancellationToken);

    // Two grouped reads on the (dead, account, target, …) index: pending with their oldest, then dead letters (the
    // index alone, no row read for the up to MaxDeadPerTarget dead letters a lane may hold).
    public Task<IReadOnlyDictionary<string, OutboxStats>> LaneStatsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<string, OutboxStats>>(commands =>
        {
            var lanes = new Dictionary<string, OutboxStats>(StringComparer.Ordinal);
            var command = commands.For("SELECT account, target, COUNT(*), MIN(created_at) FROM outbox WHERE dead = 0 GROUP BY account, target");
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    lanes[OutboxItem.Key(reader.GetString(0), reader.GetString(1))] = new OutboxStats(reader.GetInt64(2), reader.GetInt64(3), 0);
                }
            }

            command = commands.For("SELECT account, target, COUNT(*) FROM outbox WHERE dead = 1 GROUP BY account, target");
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var lane = OutboxItem.Key(reader.GetString(0), reader.GetString(1));
                    lanes[lane] = lanes.GetValueOrDefault(lane) with { Dead = reader.GetInt64(2) };
                }
            }

            return lanes;
        }, cancellationToken);

    public void Dispose()
    {
        _operations.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(10));
        _commands?.Dispose();
    }

    private Task Update(string sql, OutboxItem item, CancellationToken cancellationToken) =>
        RunAsync(commands =>
        {
            var command = commands.For(sql);
            command.Parameters.AddWithValue("$id", item.Id);
            command.Parameters.AddWithValue("$attempts", item.Attempts);
            command.Parameters.AddWithValue("$next", item.NextAttemptAtMs);
            command.Parameters.AddWithValue("$error", (object?)item.LastError ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private async Task<T> RunAsync<T>(Func<SqliteCommandCache, T> run, CancellationToken cancellationToken)
    {
        var operation = new Operation(commands => run(commands), cancellationToken);
        if (!_operations.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteOutboxStore));
        }

        return (T)(await operation.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private void Run()
    {
        var reader = _operations.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var operation))
            {
                if (operation.CancellationToken.IsCancellationRequested)
                {
                    operation.Done.TrySetCanceled(operation.CancellationToken); // its caller stopped waiting before it started
                    continue;
                }

                try
                {
                    operation.Done.TrySetResult(operation.Run(_commands ??= new SqliteCommandCache(Open())));
                }
                catch (Exception e)
                {
                    if (e is SqliteException { SqliteErrorCode: 10 or 13 or 14 or 26 }) // IOERR, FULL, CANTOPEN, NOTADB: reopen next time
                    {
                        _commands?.Dispose();
                        _commands = null;
                    }

                    operation.Done.TrySetException(e);
                }
            }
        }
    }

    // A write and its removal: proves the file takes writes, and compiles the write path before the first push needs it.
    private static bool Probe(SqliteCommandCache commands)
    {
        var command = commands.For($"INSERT OR REPLACE INTO outbox ({Columns}, dead) VALUES ('probe', '', '', '', '', 0, '', 0, 0, 0, 9223372036854775807, NULL, 1); DELETE FROM outbox WHERE id = 'probe';");
        command.ExecuteNonQuery();
        return true;
    }

    private SqliteConnection Open()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                PRAGMA busy_timeout=5000;
                CREATE TABLE IF NOT EXISTS outbox (
                    id TEXT PRIMARY KEY, account TEXT NOT NULL, route TEXT NOT NULL, target TEXT NOT NULL,
                    dedup_key TEXT NOT NULL, inbound_mode INTEGER NOT NULL, payload TEXT NOT NULL,
                    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL,
                    next_attempt_at INTEGER NOT NULL, last_error TEXT, dead INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX IF NOT EXISTS outbox_age ON outbox (dead, created_at);
                CREATE INDEX IF NOT EXISTS outbox_lane ON outbox (dead, account, target, next_attempt_at);
                DROP INDEX IF EXISTS outbox_due;
                DROP INDEX IF EXISTS outbox_target;
                """;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Bind(SqliteCommand command, OutboxItem item)
    {
        command.Parameters.AddWithValue("$id", item.Id);
        command.Parameters.AddWithValue("$account", item.Account);
        command.Parameters.AddWithValue("$route", item.Route);
        command.Parameters.AddWithValue("$target", item.Target);
        command.Parameters.AddWithValue("$dedup", item.DedupKey);
        command.Parameters.AddWithValue("$mode", item.InboundMode);
        command.Parameters.AddWithValue("$payload", item.Payload);
        command.Parameters.AddWithValue("$created", item.CreatedAtMs);
        command.Parameters.AddWithValue("$expires", item.ExpiresAtMs);
        command.Parameters.AddWithValue("$attempts", item.Attempts);
        command.Parameters.AddWithValue("$next", item.NextAttemptAtMs);
        command.Parameters.AddWithValue("$error", (object?)item.LastError ?? DBNull.Value);
    }

    private static List<OutboxItem> ReadAll(SqliteCommand command)
    {
        var items = new List<OutboxItem>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            items.Add(new OutboxItem
            {
                Id = reader.GetString(0),
                Account = reader.GetString(1),
                Route = reader.GetString(2),
                Target = reader.GetString(3),
                DedupKey = reader.GetString(4),
                InboundMode = reader.GetInt32(5),
                Payload = reader.GetString(6),
                CreatedAtMs = reader.GetInt64(7),
                ExpiresAtMs = reader.GetInt64(8),
                Attempts = reader.GetInt32(9),
                NextAttemptAtMs = reader.GetInt64(10),
                LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        }

        return items;
    }

    private sealed class Operation(Func<SqliteCommandCache, object?> run, CancellationToken cancellationToken)
    {
        public Func<SqliteCommandCache, object?> Run { get; } = run;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
