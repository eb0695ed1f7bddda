using System.Buffers;

namespace MpEventRelay.Inbound;

/// <summary>Reads a request body whole, refusing it (null) as soon as it exceeds the limit.</summary>
internal static class BoundedBody
{
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}
