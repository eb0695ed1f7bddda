namespace MpEventRelay.Cli;

/// <summary>What <c>mprelay</c>'s exit code means, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>Everything checked out.</summary>
    public const int Ok = 0;

    /// <summary>The check failed: a refused push, an unusable reply, an invalid configuration, a failed verification.</summary>
    public const int CheckFailed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The relay could not be reached, or answered the admin API with an error.</summary>
    public const int Unreachable = 3;
}
