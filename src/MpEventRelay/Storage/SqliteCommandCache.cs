using Microsoft.Data.Sqlite;

namespace MpEventRelay.Storage;

/// <summary>
/// One command per SQL text for one connection, kept across operations: Microsoft.Data.Sqlite compiles a command's SQL
/// when it first runs and keeps the statement while the command and its text live, so a new command per operation
/// parsed the same SQL again each time (two or three statements a push in the outbox). Not thread-safe: it belongs to
/// the thread that owns the connection, and goes with the connection.
/// </summary>
internal sealed class SqliteCommandCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/> (or none).</summary>
    public SqliteCommand For(string sql, SqliteTransaction? transaction = null)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        connection.Dispose();
    }
}
