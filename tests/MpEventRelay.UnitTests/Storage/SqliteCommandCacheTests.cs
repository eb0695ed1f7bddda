using Microsoft.Data.Sqlite;
using MpEventRelay.Storage;

namespace MpEventRelay.UnitTests.Storage;

/// <summary>Commands kept per SQL text: the same command (its statement compiled once) with nothing left bound from its last use.</summary>
public sealed class SqliteCommandCacheTests : IDisposable
{
    private readonly SqliteCommandCache _commands;

    public SqliteCommandCacheTests()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        _commands = new SqliteCommandCache(connection);
        _commands.For("CREATE TABLE t (v INTEGER)").ExecuteNonQuery();
    }

    public void Dispose() => _commands.Dispose();

    [Fact]
    public void The_same_SQL_gets_the_same_command_with_its_parameters_cleared()
    {
        var insert = _commands.For("INSERT INTO t VALUES ($v)");
        insert.Parameters.AddWithValue("$v", 1);
        insert.ExecuteNonQuery();

        var again = _commands.For("INSERT INTO t VALUES ($v)");

        Assert.Same(insert, again);
        Assert.Empty(again.Parameters);
        again.Parameters.AddWithValue("$v", 2);
        again.ExecuteNonQuery();
        Assert.Equal(3L, _commands.For("SELECT sum(v) FROM t").ExecuteScalar());
        Assert.NotSame(insert, _commands.For("INSERT INTO t VALUES ($w)"));
    }

    [Fact]
    public void A_command_runs_in_the_transaction_it_is_given_and_then_in_none()
    {
        using (var transaction = _commands.Connection.BeginTransaction())
        {
            var insert = _commands.For("INSERT INTO t VALUES (7)", transaction);
            Assert.Same(transaction, insert.Transaction);
            insert.ExecuteNonQuery();
            transaction.Rollback();
        }

        Assert.Null(_commands.For("INSERT INTO t VALUES (7)").Transaction);
        Assert.Equal(0L, _commands.For("SELECT count(*) FROM t").ExecuteScalar());
    }

    [Fact]
    public void Disposing_it_closes_the_connection()
    {
        var connection = _commands.Connection;

        _commands.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }
}
