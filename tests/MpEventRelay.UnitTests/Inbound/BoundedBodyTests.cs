using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;
using MpEventRelay.Inbound;

namespace MpEventRelay.UnitTests.Inbound;

/// <summary>A body costs what it carries: read up to its limit, within the deadline, as many at once as the cap allows.</summary>
public sealed class BoundedBodyTests
{
    private const int Limit = 10_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();
    private readonly BoundedBody _bodies;

    public BoundedBodyTests() => _bodies = new BoundedBody(TestMetrics.Create(_time));

    [Theory]
    [InlineData(0, true)]
    [InlineData(Limit, true)] // grown past the first 4 KB chunk, to exactly the limit
    [InlineData(Limit, false)]
    [InlineData(5_000, false)]
    public async Task A_body_up_to_the_limit_is_read_whole_announced_or_chunked(int size, bool announced)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)i).ToArray();

        var (body, refused) = await ReadAsync(new MemoryStream(bytes), announced ? size : null);

        Assert.Null(refused);
        Assert.Equal(bytes, body.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task One_byte_over_the_limit_is_413_with_the_limit(bool announced)
    {
        var (_, refused) = await ReadAsync(new MemoryStream(new byte[Limit + 1]), announced ? Limit + 1 : null);

        Assert.Equal(new Rejection(413, $"The body exceeds {Limit} bytes."), refused);
    }

    [Fact]
    public async Task A_body_still_arriving_at_the_deadline_is_408()
    {
        var reading = ReadAsync(new TricklingStream(), null);
        _time.Advance(Deadline - TimeSpan.FromMilliseconds(1));
        Assert.False(reading.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(new Rejection(408, "The body did not arrive within the deadline."), (await reading.WaitAsync(TimeSpan.FromSeconds(10))).Refused);
    }

    [Fact]
    public async Task A_sender_that_hangs_up_or_breaks_the_stream_is_400()
    {
        using var hangUp = new CancellationTokenSource();
        var reading = ReadAsync(new TricklingStream(), null, hangUp.Token);
        await hangUp.CancelAsync();

        Assert.Equal(new Rejection(400, "The body could not be read."), (await reading.WaitAsync(TimeSpan.FromSeconds(10))).Refused);
        Assert.Equal(new Rejection(400, "The body could not be read."), (await ReadAsync(new BrokenStream(), null)).Refused);
    }

    [Fact]
    public async Task Every_read_gives_its_place_back_so_the_cap_only_counts_reads_in_progress()
    {
        for (var i = 0; i < 4_100; i++)
        {
            Assert.Null((await ReadAsync(new MemoryStream([1]), 1)).Refused);
        }
    }

    [Fact]
    public async Task Past_the_cap_of_reads_at_once_a_body_is_503_and_counted()
    {
        var metrics = TestMetrics.Create(_time, out var scope);
        using var measurements = new MeasurementRecorder(scope);
        var bodies = new BoundedBody(metrics);
        var hung = Enumerable.Range(0, 4_096).Select(_ => bodies.ReadAsync(Request(new TricklingStream(), null), Limit, Deadline, _time, CancellationToken.None)).ToList();

        var (_, refused) = await bodies.ReadAsync(Request(new MemoryStream([1]), 1), Limit, Deadline, _time, CancellationToken.None);

        Assert.Equal(new Rejection(503, "Too many bodies are being read at once; send it again."), refused);
        Assert.Equal(1, measurements.Total("mprelay.body.reads.refused"));
        _time.Advance(Deadline);
        await Task.WhenAll(hung).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_body_already_whole_in_the_connection_s_buffer_is_taken_even_with_every_read_slot_busy()
    {
        var hung = Enumerable.Range(0, 4_096).Select(_ => ReadAsync(new TricklingStream(), null)).ToList();
        var bytes = Enumerable.Range(0, 3_000).Select(i => (byte)i).ToArray();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();

        var (body, refused) = await _bodies.ReadAsync(Request(pipe.Reader, bytes.Length), Limit, Deadline, _time, CancellationToken.None);

        Assert.Null(refused);
        Assert.Equal(bytes, body.ToArray());
        Assert.True(pipe.Reader.TryRead(out var rest) && rest.IsCompleted && rest.Buffer.IsEmpty, "the body was taken but left unread in the connection's reader");
        _time.Advance(Deadline);
        await Task.WhenAll(hung).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_body_partly_in_the_buffer_is_read_on_as_the_rest_arrives()
    {
        var bytes = Enumerable.Range(0, 3_000).Select(i => (byte)i).ToArray();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes.AsMemory(0, 1_000));

        var reading = _bodies.ReadAsync(Request(pipe.Reader, bytes.Length), Limit, Deadline, _time, CancellationToken.None);
        Assert.False(reading.IsCompleted);
        await pipe.Writer.WriteAsync(bytes.AsMemory(1_000));
        await pipe.Writer.CompleteAsync();

        var (body, refused) = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(refused);
        Assert.Equal(bytes, body.ToArray());
    }

    private Task<(ReadOnlyMemory<byte> Body, Rejection? Refused)> ReadAsync(Stream body, long? length, CancellationToken aborted = default) =>
        _bodies.ReadAsync(Request(body, length), Limit, Deadline, _time, aborted);

    // As Kestrel serves it: the body's stream reads the connection's reader.
    private static HttpRequest Request(PipeReader reader, long length)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(reader));
        context.Request.Body = reader.AsStream();
        context.Request.ContentLength = length;
        return context.Request;
    }

    private static HttpRequest Request(Stream body, long? length)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = length;
        return context.Request;
    }

    // A sender that never sends the next byte: each read waits until it is cancelled.
    private sealed class TricklingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("connection reset");
    }
}
