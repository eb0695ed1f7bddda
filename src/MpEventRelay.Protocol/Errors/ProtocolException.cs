namespace MpEventRelay.Protocol.Errors;

/// <summary>
/// Raised by the protocol library for every refused input; <see cref="Error"/> says why.
/// Messages never contain secrets or message content, so they are safe to log.
/// </summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception for one reason, with a one-line, secret-free explanation.</summary>
    public ProtocolException(ProtocolError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>Why the input was refused.</summary>
    public ProtocolError Error { get; }
}
