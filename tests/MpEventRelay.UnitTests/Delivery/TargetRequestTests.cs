using MpEventRelay.Delivery;

namespace MpEventRelay.UnitTests.Delivery;

/// <summary>A target's answer is read up to the size limit, whether it announces its length or comes in chunks.</summary>
public sealed class TargetRequestTests
{
    private const int Limit = 5_000;

    [Theory]
    [InlineData(0, true)]
    [InlineData(7, true)]
    [InlineData(Limit, true)]
    [InlineData(0, false)]
    [InlineData(7, false)]
    [InlineData(1_024, false)] // exactly the first pooled chunk
    [InlineData(3_000, false)] // grown twice
    [InlineData(Limit, false)]
    public async Task An_answer_up_to_the_limit_is_read_whole(int size, bool announced)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();

        var body = await TargetRequest.ReadBoundedAsync(Content(bytes, announced), Limit, CancellationToken.None);

        Assert.Equal(bytes, body);
    }

    [Theory]
    [InlineData(Limit + 1, true)]
    [InlineData(Limit + 1, false)]
    [InlineData(3 * Limit, false)]
    public async Task An_answer_over_the_limit_is_none(int size, bool announced)
    {
        Assert.Null(await TargetRequest.ReadBoundedAsync(Content(new byte[size], announced), Limit, CancellationToken.None));
    }

    // StreamContent over a stream that cannot seek has no length, as a chunked answer has none.
    private static HttpContent Content(byte[] bytes, bool announced) =>
        announced ? new ByteArrayContent(bytes) : new StreamContent(new TrickleStream(bytes));

    // Hands out at most 100 bytes a read, as a socket might.
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 100)], cancellationToken);
    }
}
