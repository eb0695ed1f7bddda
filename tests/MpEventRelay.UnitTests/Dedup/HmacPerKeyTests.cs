using System.Security.Cryptography;
using System.Text;
using MpEventRelay.Dedup;

namespace MpEventRelay.UnitTests.Dedup;

public sealed class HmacPerKeyTests
{
    [Fact]
    public void Past_its_bound_of_keys_it_starts_over_and_every_MAC_stays_the_one_shot_HMAC()
    {
        var keys = Enumerable.Range(0, HmacPerKey.MaxKeys + 5).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var longText = new string('é', 300); // past the stack buffer: encoded on the heap
        using var macs = new HmacPerKey();
        var mac = new byte[32];

        foreach (var (key, text) in keys.Concat(keys).Select((k, i) => (k, i % 3 == 0 ? longText : $"text {i}")))
        {
            macs.Compute(key, text, mac);
            Assert.Equal(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)), mac);
        }
    }
}
