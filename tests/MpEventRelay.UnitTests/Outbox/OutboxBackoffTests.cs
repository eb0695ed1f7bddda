using MpEventRelay.Configuration;
using MpEventRelay.Outbox;

namespace MpEventRelay.UnitTests.Outbox;

public sealed class OutboxBackoffTests
{
    private static readonly OutboxOptions Options = new() { RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromMinutes(5) };

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(8, 256)]
    [InlineData(9, 300)]
    [InlineData(1000, 300)]
    [InlineData(0, 2)]
    public void Doubles_from_the_base_capped_at_the_maximum_with_20_percent_jitter(int attempts, double seconds)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = OutboxBackoff.After(attempts, Options).TotalSeconds;
            Assert.InRange(delay, seconds * 0.8, seconds * 1.2);
        }
    }
}
