using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Inbound;

namespace MpEventRelay.UnitTests.Inbound;

public sealed class ClockSkewCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly FakeTimeProvider _time = new(Now);

    [Theory]
    [InlineData(0, true)]
    [InlineData(300, true)]
    [InlineData(-300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    public void The_window_is_inclusive_in_both_directions(long offset, bool within)
    {
        Assert.Equal(within, ClockSkewCheck.IsWithin((Now.ToUnixTimeSeconds() + offset).ToString(), TimeSpan.FromMinutes(5), _time));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1e9")]
    [InlineData(" 1800000000")]
    [InlineData("-1800000000")]
    public void An_unreadable_timestamp_is_outside(string? timestamp)
    {
        Assert.False(ClockSkewCheck.IsWithin(timestamp, TimeSpan.FromMinutes(5), _time));
    }

    [Fact]
    public void Zero_turns_the_check_off()
    {
        Assert.True(ClockSkewCheck.IsWithin("1", TimeSpan.Zero, _time));
        Assert.True(ClockSkewCheck.IsWithin(null, TimeSpan.Zero, _time));
    }

    [Fact]
    public void The_clock_moves_the_window()
    {
        var timestamp = Now.ToUnixTimeSeconds().ToString();
        _time.Advance(TimeSpan.FromSeconds(300));
        Assert.True(ClockSkewCheck.IsWithin(timestamp, TimeSpan.FromMinutes(5), _time));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(ClockSkewCheck.IsWithin(timestamp, TimeSpan.FromMinutes(5), _time));
    }
}
