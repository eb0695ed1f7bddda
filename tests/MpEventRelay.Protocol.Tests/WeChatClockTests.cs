namespace MpEventRelay.Protocol.Tests;

public sealed class WeChatClockTests
{
    [Fact]
    public void Nonces_are_nine_or_ten_digit_decimals_and_do_not_repeat()
    {
        var nonces = Enumerable.Range(0, 10_000).Select(_ => WeChatClock.Nonce()).ToList();

        Assert.All(nonces, n => Assert.Matches("^[1-9][0-9]{8,9}$", n));
        Assert.All(nonces, n => Assert.InRange(long.Parse(n, System.Globalization.CultureInfo.InvariantCulture), 100_000_000, int.MaxValue - 1));
        Assert.True(nonces.Distinct().Count() >= 9_990, "nonces repeat");
    }
}
