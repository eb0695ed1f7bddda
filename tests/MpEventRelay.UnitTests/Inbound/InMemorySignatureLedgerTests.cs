using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Inbound;

namespace MpEventRelay.UnitTests.Inbound;

public sealed class InMemorySignatureLedgerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemorySignatureLedger _ledger;

    public InMemorySignatureLedgerTests() => _ledger = new InMemorySignatureLedger(_time);

    [Fact]
    public async Task A_triple_binds_its_first_body_for_its_window()
    {
        Assert.True(await _ledger.BindAsync("t", "body-1", TimeSpan.FromMinutes(5)));
        Assert.True(await _ledger.BindAsync("t", "body-1", TimeSpan.FromMinutes(5))); // WeChat's retry
        Assert.False(await _ledger.BindAsync("t", "body-2", TimeSpan.FromMinutes(5)));

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.False(await _ledger.BindAsync("t", "body-2", TimeSpan.FromMinutes(5)));
        _time.Advance(TimeSpan.FromTicks(1)); // the timestamp is no longer accepted: the binding may go
        Assert.True(await _ledger.BindAsync("t", "body-2", TimeSpan.FromMinutes(5)));
        Assert.False(await _ledger.BindAsync("t", "body-1", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Triples_are_independent()
    {
        Assert.True(await _ledger.BindAsync("a", "x", TimeSpan.FromMinutes(5)));
        Assert.True(await _ledger.BindAsync("b", "y", TimeSpan.FromMinutes(5)));
        Assert.False(await _ledger.BindAsync("a", "y", TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Expired_bindings_are_trimmed_oldest_first_without_touching_newer_ones()
    {
        Assert.True(await _ledger.BindAsync("old", "x", TimeSpan.FromMinutes(1)));
        Assert.True(await _ledger.BindAsync("new", "y", TimeSpan.FromMinutes(10)));
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await _ledger.BindAsync("old", "z", TimeSpan.FromMinutes(1)));
        Assert.False(await _ledger.BindAsync("new", "z", TimeSpan.FromMinutes(10)));
    }
}
