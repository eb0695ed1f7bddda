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

    [Fact]
    public async Task A_binding_leaves_memory_once_its_window_ends_when_any_other_push_arrives()
    {
        Assert.True(await _ledger.BindAsync("old", "x", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.True(await _ledger.BindAsync("other", "y", TimeSpan.FromMinutes(5)));
        Assert.Equal(2, _ledger.Count);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(await _ledger.BindAsync("third", "z", TimeSpan.FromMinutes(5)));

        Assert.Equal(2, _ledger.Count); // "old" went, exactly at the end of its window
    }

    [Fact]
    public async Task A_binding_whose_window_ended_behind_a_longer_one_is_replaced_at_once()
    {
        Assert.True(await _ledger.BindAsync("long", "x", TimeSpan.FromMinutes(10)));
        Assert.True(await _ledger.BindAsync("short", "first body", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(1)); // trimming stops at "long", which is still in its window

        Assert.True(await _ledger.BindAsync("short", "second body", TimeSpan.FromMinutes(30)));
        Assert.False(await _ledger.BindAsync("short", "first body", TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public async Task Trimming_an_old_arrival_leaves_the_newer_binding_of_the_same_key()
    {
        Assert.True(await _ledger.BindAsync("long", "x", TimeSpan.FromMinutes(10)));
        Assert.True(await _ledger.BindAsync("k", "first body", TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await _ledger.BindAsync("k", "second body", TimeSpan.FromMinutes(30))); // its first arrival is still queued behind "long"
        _time.Advance(TimeSpan.FromMinutes(9)); // "long" and k's first arrival are trimmed now

        Assert.True(await _ledger.BindAsync("another", "y", TimeSpan.FromMinutes(5)));
        Assert.False(await _ledger.BindAsync("k", "first body", TimeSpan.FromMinutes(30)));
        Assert.Equal(2, _ledger.Count);
    }
}
