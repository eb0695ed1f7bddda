namespace MpEventRelay.Configuration;

/// <summary>A downstream developer server (the IDaaS callback, a bot): a YARP cluster and that server's own keys.</summary>
public sealed record TargetOptions
{
    /// <summary>The YARP cluster (in <c>ReverseProxy:Clusters</c>) whose destinations receive the pushes.</summary>
    public string? Cluster { get; init; }

    /// <summary>The target's own Token: what it verifies signatures with.</summary>
    public string? Token { get; init; }

    /// <summary>The target's own EncodingAESKey; needed unless <see cref="Encryption"/> is <c>Plaintext</c>.</summary>
    public string? EncodingAESKey { get; init; }

    /// <summary>How the target expects pushes. Default <c>SameAsInbound</c>.</summary>
    public TargetEncryption Encryption { get; init; } = TargetEncryption.SameAsInbound;
}
