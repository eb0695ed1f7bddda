using System.Buffers;
using MpEventRelay.Delivery;
using MpEventRelay.Observability;
using MpEventRelay.Storage;

namespace MpEventRelay.Inbound;

/// <summary>
/// Reads a push body so that it costs what it carries: memory grows as bytes arrive (never sized by the announced
/// Content-Length), the read ends at WeChat's deadline (a body still trickling in then could not be answered in
/// time anyway), and the number of bodies being read at once is capped. A slow sender costs a few KB and a few
/// seconds, never the process.
/// </summary>
internal sealed class BoundedBody(RelayMetrics metrics)
{
    private const int FirstChunk = 4096;
    private const int MaxConcurrentReads = 4096;
    private readonly SemaphoreSlim _reads = new(MaxConcurrentReads, MaxConcurrentReads);

    /// <summary>The body, or the reason it was refused.</summary>
    public async Task<(ReadOnlyMemory<byte> Body, Rejection? Refused)> ReadAsync(HttpRequest request, int maxBytes, TimeSpan within, TimeProvider time, CancellationToken aborted)
    {
        if (request.ContentLength > maxBytes)
        {
            return (default, TooLarge(maxBytes));
        }

        if (request.ContentLength is > 0 and var size && TakeBuffered(request.BodyReader, size) is { } whole)
        {
            return (whole, null);
        }

        if (!await _reads.WaitAsync(TimeSpan.Zero, aborted).ConfigureAwait(false))
        {
            metrics.BodyReadsRefused();
            return (default, new Rejection(StatusCodes.Status503ServiceUnavailable, "Too many bodies are being read at once; send it again."));
        }

        using var budget = new TimeBudget(within, time, aborted);
        try
        {
            // At most a first chunk before the bytes arrive: an announced length is a claim, and 1,200 slow bodies
            // announcing 256 KB each, given their size at once, exhausted a 256 MB heap (SlowBodyAttackTests). A
            // smaller announced length is the size needed (one byte more sees the end without growing).
            var firstChunk = (int)Math.Min(request.ContentLength is { } announced ? announced + 1 : FirstChunk, FirstChunk);
            var body = await BoundedRead.ToEndAsync(request.Body, firstChunk, maxBytes, budget.Token).ConfigureAwait(false);
            return body is null ? (default, TooLarge(maxBytes)) : (body, null);
        }
        catch (OperationCanceledException) when (budget.Expired && !aborted.IsCancellationRequested)
        {
            return (default, new Rejection(StatusCodes.Status408RequestTimeout, "The body did not arrive within the deadline."));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return (default, new Rejection(StatusCodes.Status400BadRequest, "The body could not be read."));
        }
        finally
        {
            _reads.Release();
        }
    }

    // Nearly every push is in the connection's buffer, whole, by the time it is routed: taken at once it needs no read
    // slot, no deadline timer and no growing buffer. Anything less is left unread, for the read as it arrives.
    private static byte[]? TakeBuffered(System.IO.Pipelines.PipeReader reader, long announced)
    {
        if (!reader.TryRead(out var ready))
        {
            return null;
        }

        if (!ready.IsCompleted || ready.Buffer.Length != announced)
        {
            reader.AdvanceTo(ready.Buffer.Start);
            return null;
        }

        var whole = ready.Buffer.ToArray();
        reader.AdvanceTo(ready.Buffer.End);
        return whole;
    }

    private static Rejection TooLarge(int maxBytes) => new(StatusCodes.Status413PayloadTooLarge, $"The body exceeds {maxBytes} bytes.");
}
