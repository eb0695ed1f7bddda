using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Configuration;
using MpEventRelay.Inbound;

namespace MpEventRelay.UnitTests.Inbound;

public sealed class ReplayWindowTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RelayOptions _options = new() { ClockSkew = TimeSpan.FromMinutes(5), Dedup = new DedupOptions { Expiry = TimeSpan.FromMinutes(1) } };

    [Fact]
    public void A_timestamp_ahead_of_our_clock_is_remembered_until_it_leaves_the_window()
    {
        var window = ReplayWindow.For((Now.ToUnixTimeSeconds() + 240).ToString(), _options, _time);

        Assert.Equal(TimeSpan.FromSeconds(240 + 300 + 1), window);
    }

    [Fact]
    public void A_timestamp_behind_is_remembered_for_what_is_left_of_its_window()
    {
        var window = ReplayWindow.For((Now.ToUnixTimeSeconds() - 100).ToString(), _options, _time);

        Assert.Equal(TimeSpan.FromSeconds(300 - 100 + 1), window);
    }

    [Fact]
    public void Dedup_Expiry_is_the_floor()
    {
        var window = ReplayWindow.For((Now.ToUnixTimeSeconds() - 290).ToString(), _options, _time);

        Assert.Equal(TimeSpan.FromMinutes(1), window);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Without_a_readable_timestamp_or_with_the_skew_check_off_Dedup_Expiry_alone(string? timestamp)
    {
        Assert.Equal(TimeSpan.FromMinutes(1), ReplayWindow.For(timestamp, _options, _time));
        Assert.Equal(TimeSpan.FromMinutes(1), ReplayWindow.For(Now.ToUnixTimeSeconds().ToString(), _options with { ClockSkew = TimeSpan.Zero }, _time));
    }
}
