using System.Buffers;

namespace MpEventRelay.Delivery;

/// <summary>
/// Reads a stream to its end, up to a size limit, into memory that grows as bytes arrive (pooled while it reads,
/// copied out at its length): a body of unknown or untrusted length costs what it carries. For a push's body still
/// arriving and for a target's chunked answer.
/// </summary>
internal static class BoundedRead
{
    /// <summary>The stream's bytes, or null once they exceed <paramref name="maxBytes"/>.</summary>
    /// <param name="firstChunk">The buffer before anything arrives (an announced length is a claim: the caller caps it).</param>
    public static async Task<byte[]?> ToEndAsync(Stream stream, int firstChunk, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(firstChunk, maxBytes + 1));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
