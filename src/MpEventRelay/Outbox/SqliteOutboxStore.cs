using Microsoft.Data.Sqlite;

namespace MpEventRelay.Outbox;

/// <summary>
/// The embedded outbox: one SQLite file in WAL mode. <c>synchronous=NORMAL</c> makes a commit durable against a
/// process crash (<c>kill -9</c>) without an fsync per push; a power loss can lose the last commits.
/// One connection, one operation at a time: SQLite has one writer anyway.
/// </summary>
internal sealed class SqliteOutboxStore : IOutboxStore, IDisposable
{
    private const string Columns = "id, account, route, target, dedup_key, inbound_mode, payload, created_at, expires_at, attempts, next_attempt_at, last_error";
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteOutboxStore(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS outbox (
                id TEXT PRIMARY KEY, account TEXT NOT NULL, route TEXT NOT NULL, target TEXT NOT NULL,
                dedup_key TEXT NOT NULL, inbound_mode INTEGER NOT NULL, payload TEXT NOT NULL,
                created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL, last_error TEXT, dead INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS outbox_due ON outbox (dead, next_attempt_at);
            """);
    }

    public string Name => "sqlite";

    public Task AddAsync(OutboxItem item, CancellationToken cancellationToken = default) =>
        WithGate(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"INSERT OR IGNORE INTO outbox ({Columns}, dead) VALUES ($id, $account, $route, $target, $dedup, $mode, $payload, $created, $expires, $attempts, $next, $error, 0)";
            Bind(command, item);
            command.ExecuteNonQuery();
            return true;
        });

    public Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(long nowMs, long leaseUntilMs, int max, CancellationToken cancellationToken = default) =>
        WithGate<IReadOnlyList<OutboxItem>>(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                UPDATE outbox SET next_attempt_at = $lease
                WHERE id IN (SELECT id FROM outbox WHERE dead = 0 AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $max)
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$lease", leaseUntilMs);
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$max", max);
            return ReadAll(command);
        });

    public Task RescheduleAsync(OutboxItem item, CancellationToken cancellationToken = default) =>
        Update("UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id AND dead = 0", item);

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) =>
        WithGate(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM outbox WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery();
        });

    public Task DeadLetterAsync(OutboxItem item, CancellationToken cancellationToken = default) =>
        Update("UPDATE outbox SET dead = 1, attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id", item);

    public Task<IReadOnlyList<OutboxItem>> ListDeadLettersAsync(int max, CancellationToken cancellationToken = default) =>
        WithGate<IReadOnlyList<OutboxItem>>(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM outbox WHERE dead = 1 ORDER BY created_at LIMIT $max";
            command.Parameters.AddWithValue("$max", max);
            return ReadAll(command);
        });

    public Task<bool> ReplayAsync(string id, long nowMs, long expiresAtMs, CancellationToken cancellationToken = default) =>
        WithGate(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE outbox SET dead = 0, attempts = 0, next_attempt_at = $now, expires_at = $expires, last_error = NULL WHERE id = $id AND dead = 1";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$expires", expiresAtMs);
            return command.ExecuteNonQuery() == 1;
        });

    public Task<OutboxStats> StatsAsync(CancellationToken cancellationToken = default) =>
        WithGate(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM outbox WHERE dead = 0), (SELECT MIN(created_at) FROM outbox WHERE dead = 0), (SELECT COUNT(*) FROM outbox WHERE dead = 1)";
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OutboxStats(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt64(2));
        });

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private Task Update(string sql, OutboxItem item) =>
        WithGate(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", item.Id);
            command.Parameters.AddWithValue("$attempts", item.Attempts);
            command.Parameters.AddWithValue("$next", item.NextAttemptAtMs);
            command.Parameters.AddWithValue("$error", (object?)item.LastError ?? DBNull.Value);
            return command.ExecuteNonQuery();
        });

    private async Task<T> WithGate<T>(Func<T> action)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
}
